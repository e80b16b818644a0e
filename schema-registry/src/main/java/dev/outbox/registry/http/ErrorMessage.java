package dev.outbox.registry.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Confluent's error body. */
@JsonPropertyOrder({"error_code", "message"})
public record ErrorMessage(@JsonProperty("error_code") int errorCode, String message) {
}
