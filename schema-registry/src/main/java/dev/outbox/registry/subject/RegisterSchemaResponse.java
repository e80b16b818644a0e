package dev.outbox.registry.subject;

/** {@code {"id": N}}: the schema's global id. */
public record RegisterSchemaResponse(int id) {
}
