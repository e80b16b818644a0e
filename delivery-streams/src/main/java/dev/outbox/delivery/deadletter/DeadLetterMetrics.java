package dev.outbox.delivery.deadletter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the records sent to the dead-letter topic, by source topic and the stage that failed
 * ({@value #DEAD_LETTERS}{@code {source,stage}}), whoever sends them: Streams' handlers through
 * {@link DeadLetterHandler}, or the deliveries processor for held-back events.
 */
public final class DeadLetterMetrics {

    public static final String DEAD_LETTERS = "delivery.dlq.records";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public DeadLetterMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void deadLettered(String sourceTopic, String stage) {
        counters.computeIfAbsent(sourceTopic + "\u0000" + stage, k -> Counter.builder(DEAD_LETTERS)
                .tag("source", String.valueOf(sourceTopic)).tag("stage", stage)
                .description("Records sent to the dead-letter topic, by source topic and failed stage")
                .register(registry)).increment();
    }
}
