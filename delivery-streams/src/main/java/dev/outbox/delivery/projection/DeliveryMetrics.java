package dev.outbox.delivery.projection;

import dev.outbox.delivery.deadletter.DeadLetterMetrics;
import dev.outbox.events.delivery.CommandOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The topology's own counters (Kafka Streams' client metrics, lag included, are bound separately by Spring Kafka's
 * {@code KafkaStreamsMicrometerListener}; dead letters by {@link DeadLetterMetrics}). Under exactly-once a record
 * processed again after an aborted transaction is counted again: these are operational counters, not exact business
 * figures.
 */
public class DeliveryMetrics {

    public static final String DUPLICATES_DROPPED = "delivery.duplicates.dropped";
    public static final String ORDER_EVENTS_APPLIED = "delivery.order.events.applied";
    public static final String ORDER_EVENTS_STALE = "delivery.order.events.stale";
    public static final String ORDER_EVENTS_BUFFERED = "delivery.order.events.buffered";
    public static final String ORDER_EVENTS_GAP_SKIPPED = "delivery.order.events.gap.skipped";
    public static final String COMMANDS_DECIDED = "delivery.commands.decided";
    public static final String COMMANDS_REPEATED = "delivery.commands.repeated";

    private final MeterRegistry registry;
    private final Counter duplicates;
    private final Counter stale;
    private final Counter buffered;
    private final Counter gapSkipped;
    private final Map<CommandOutcome, Counter> commands = new EnumMap<>(CommandOutcome.class);
    private final Counter repeatedSame;
    private final Counter repeatedDifferent;
    private final Map<String, Counter> applied = new ConcurrentHashMap<>();

    public DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.duplicates = Counter.builder(DUPLICATES_DROPPED)
                .description("Order events dropped because their event id was already processed").register(registry);
        this.stale = Counter.builder(ORDER_EVENTS_STALE)
                .description("Order events dropped because a later event of the order was already applied")
                .register(registry);
        this.buffered = Counter.builder(ORDER_EVENTS_BUFFERED)
                .description("Order events held back until the order's missing earlier events arrive").register(registry);
        this.gapSkipped = Counter.builder(ORDER_EVENTS_GAP_SKIPPED)
                .description("Order events applied without the missing earlier ones, after the gap timeout")
                .register(registry);
        this.repeatedSame = Counter.builder(COMMANDS_REPEATED).tag("request", "same")
                .description("Commands received again under an id already decided (a retry), answered with the first "
                        + "result; request=different: the id was used for another request, refused").register(registry);
        this.repeatedDifferent = Counter.builder(COMMANDS_REPEATED).tag("request", "different")
                .description("Commands received again under an id already decided (a retry), answered with the first "
                        + "result; request=different: the id was used for another request, refused").register(registry);
        for (CommandOutcome outcome : CommandOutcome.values()) {
            commands.put(outcome, Counter.builder(COMMANDS_DECIDED).tag("outcome", outcome.name())
                    .description("Delivery commands decided, by outcome").register(registry));
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void duplicateDropped() {
        duplicates.increment();
    }

    public void staleDropped() {
        stale.increment();
    }

    public void buffered() {
        buffered.increment();
    }

    public void gapSkipped() {
        gapSkipped.increment();
    }

    public void applied(String eventType) {
        applied.computeIfAbsent(eventType, type -> Counter.builder(ORDER_EVENTS_APPLIED).tag("type", type)
                .description("Order events applied to the deliveries store, by type").register(registry)).increment();
    }

    public void commandDecided(CommandOutcome outcome) {
        commands.get(outcome).increment();
    }

    public void commandRepeated(boolean sameRequest) {
        (sameRequest ? repeatedSame : repeatedDifferent).increment();
    }
}
