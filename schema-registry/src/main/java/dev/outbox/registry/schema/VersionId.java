package dev.outbox.registry.schema;

import dev.outbox.registry.http.Errors;

/** A version in a path: 1 to 2^31-1, or "latest" (also written -1), read as Confluent reads it. */
public record VersionId(int value) {

    public static final int LATEST = -1;

    public static VersionId parse(String text) {
        String trimmed = text.trim();
        if (trimmed.equalsIgnoreCase("latest")) {
            return new VersionId(LATEST);
        }
        int value;
        try {
            value = Integer.parseInt(trimmed);
        } catch (NumberFormatException e) {
            throw Errors.invalidVersion(text);
        }
        if (value <= 0 && value != LATEST) {
            throw Errors.invalidVersion(String.valueOf(value));
        }
        return new VersionId(value);
    }

    public boolean latest() {
        return value == LATEST;
    }
}
