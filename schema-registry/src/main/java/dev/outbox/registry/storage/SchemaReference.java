package dev.outbox.registry.storage;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** A named type taken from another subject's version (Confluent's schema reference). */
@JsonPropertyOrder({"name", "subject", "version"})
public record SchemaReference(String name, String subject, Integer version) {
}
