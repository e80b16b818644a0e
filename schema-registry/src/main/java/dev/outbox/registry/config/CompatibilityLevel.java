package dev.outbox.registry.config;

import java.util.Locale;

/** Confluent's compatibility levels: which earlier versions a new one is checked against, and in which direction. */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** New readers read old data. */
    public boolean backward() {
        return backward;
    }

    /** Old readers read new data. */
    public boolean forward() {
        return forward;
    }

    /** Against all live versions rather than the latest. */
    public boolean transitive() {
        return transitive;
    }

    /** As Confluent reads levels: case-insensitively; null for anything else. */
    public static CompatibilityLevel forName(String name) {
        if (name == null) {
            return null;
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
