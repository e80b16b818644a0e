package dev.outbox.registry.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.outbox.registry.storage.SchemaReference;
import java.util.List;

/** A schema by id, in Confluent's shape: {@code {"schema": "..."}} (maxId only when asked for). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"schemaType", "references", "schema", "maxId"})
public record SchemaString(String schemaType, List<SchemaReference> references, String schema, Integer maxId) {
}
