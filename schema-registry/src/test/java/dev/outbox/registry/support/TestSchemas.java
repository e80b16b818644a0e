package dev.outbox.registry.support;

import java.util.UUID;

/** Avro schema texts and unique subject names for tests. */
public final class TestSchemas {

    private TestSchemas() {
    }

    /** A subject name no other test uses (tests share one database). */
    public static String subject(String label) {
        return label + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A record schema with the given field definitions (JSON objects). */
    public static String record(String name, String... fields) {
        return "{\"type\":\"record\",\"name\":\"" + name + "\",\"namespace\":\"test.registry\",\"fields\":["
                + String.join(",", fields) + "]}";
    }

    public static String field(String name, String type) {
        return "{\"name\":\"" + name + "\",\"type\":\"" + type + "\"}";
    }

    public static String field(String name, String type, String defaultJson) {
        return "{\"name\":\"" + name + "\",\"type\":\"" + type + "\",\"default\":" + defaultJson + "}";
    }
}
