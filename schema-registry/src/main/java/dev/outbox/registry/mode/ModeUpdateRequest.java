package dev.outbox.registry.mode;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** {@code {"mode": "READONLY"}}: the body of {@code PUT /mode} and, as in Confluent, every mode answer. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModeUpdateRequest(String mode) {
}
