package dev.outbox.registry.schema;

import dev.outbox.registry.storage.SchemaReference;
import java.util.List;
import org.apache.avro.Schema;

/**
 * An Avro schema as the registry keeps it: the parsed schema, its normalised text (what is stored, served and
 * compared) and the fingerprint of that text with its type and references (what an id is assigned to).
 */
public record ParsedSchema(Schema schema, String canonical, List<SchemaReference> references, byte[] fingerprint) {

    public static final String AVRO = "AVRO";
}
