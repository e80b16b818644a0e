package dev.outbox.bench;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;

/**
 * The JSON of the files in {@code benchmarks/results} (./stack bench, bench-board, faults, soak), in one place: indented,
 * fields in the records' order. Checked against the committed files: Jackson 3 writes them to the byte as Jackson 2
 * did, so a new run's diff shows only its figures.
 */
public final class ResultsJson {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private ResultsJson() {
    }

    public static void write(Path file, Object results) {
        JSON.writeValue(file.toFile(), results);
    }

    /** A results file read back, e.g. the soak reading the last benchmark's maximum sustainable rate. */
    public static JsonNode read(Path file) {
        return JSON.readTree(file.toFile());
    }

    public static String text(Object results) {
        return JSON.writeValueAsString(results);
    }
}
