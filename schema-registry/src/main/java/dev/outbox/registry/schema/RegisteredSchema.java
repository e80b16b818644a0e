package dev.outbox.registry.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.outbox.registry.storage.SchemaReference;
import dev.outbox.registry.storage.StoredSchema;
import java.util.List;

/**
 * A schema as registered under a subject version, in Confluent's shape. As Confluent does, {@code schemaType} is left
 * out for Avro and {@code references} when there are none.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"subject", "version", "id", "schemaType", "references", "schema"})
public record RegisteredSchema(String subject, Integer version, Integer id, String schemaType,
                               List<SchemaReference> references, String schema) {

    public static RegisteredSchema of(String subject, int version, StoredSchema content) {
        return new RegisteredSchema(subject, version, content.id(), typeField(content.schemaType()),
                referencesField(content.references()), content.schemaText());
    }

    static String typeField(String schemaType) {
        return ParsedSchema.AVRO.equals(schemaType) ? null : schemaType;
    }

    static List<SchemaReference> referencesField(List<SchemaReference> references) {
        return references == null || references.isEmpty() ? null : references;
    }
}
