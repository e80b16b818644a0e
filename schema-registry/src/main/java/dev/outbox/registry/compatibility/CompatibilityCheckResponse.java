package dev.outbox.registry.compatibility;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/** {@code {"is_compatible": true}}, with {@code messages} when asked for ({@code verbose=true}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"is_compatible", "messages"})
public record CompatibilityCheckResponse(@JsonProperty("is_compatible") boolean compatible, List<String> messages) {
}
