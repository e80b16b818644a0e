package dev.outbox.registry.schema;

import org.apache.avro.Schema;

import java.util.List;

/**
 * An Avro schema as the registry keeps it: the parsed schema, its normalised text (what is stored, served and
 * compared) and the fingerprint of that text with its type and references (what an id is assigned to).
 */
public record ParsedSchema(Schema schema, String canonical, List<SchemaReference> references, byte[] fingerprint) {

    public static final String AVRO = "AVRO";
}
