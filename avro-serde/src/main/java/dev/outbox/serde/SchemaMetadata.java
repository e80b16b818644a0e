package dev.outbox.serde;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One registered version of a subject, as answered by {@code POST /subjects/{subject}} (lookup) and
 * {@code GET /subjects/{subject}/versions/latest}.
 *
 * @param subject the subject
 * @param id      the registry-wide schema id (what the wire format carries)
 * @param version the version of the schema under the subject, from 1
 * @param schema  the parsed schema
 */
public record SchemaMetadata(String subject, int id, int version, Schema schema) {
    public SchemaMetadata {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }
}
