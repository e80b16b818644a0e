package dev.outbox.registry.schema;

/** {@code {"subject": "s", "version": 1}}: where a schema id is registered. */
public record SubjectVersion(String subject, int version) {
}
