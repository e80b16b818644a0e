package dev.outbox.registry.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.outbox.registry.storage.SchemaReference;
import java.util.List;

/**
 * The body of registration, lookup and compatibility requests. {@code id} and {@code version} are only honoured in
 * IMPORT mode; Confluent's data-contract fields (metadata, ruleSet) are accepted and ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RegisterSchemaRequest(String schema, String schemaType, List<SchemaReference> references,
                                    Integer version, Integer id) {
}
