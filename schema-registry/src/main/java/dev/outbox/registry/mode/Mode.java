package dev.outbox.registry.mode;

import java.util.Locale;

/** Confluent's modes: READWRITE (default), READONLY (and READONLY_OVERRIDE) refuse writes, IMPORT takes given ids. */
public enum Mode {
    READWRITE, READONLY, READONLY_OVERRIDE, IMPORT;

    public boolean readOnly() {
        return this == READONLY || this == READONLY_OVERRIDE;
    }

    public static Mode forName(String name) {
        if (name == null) {
            return null;
        }
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
