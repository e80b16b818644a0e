package dev.outbox.registry.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code {"compatibility": "FULL"}}: the body of {@code PUT /config}, which Confluent echoes back as the answer. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConfigUpdateRequest(String compatibility) {
}
