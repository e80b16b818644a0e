package dev.outbox.registry.config;

/** {@code {"compatibilityLevel": "BACKWARD"}}: what {@code GET /config} answers. */
public record CompatibilityConfig(String compatibilityLevel) {
}
