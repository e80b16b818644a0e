package dev.outbox.delivery.projection;

import java.time.Duration;
import java.util.function.LongConsumer;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * One record in each window store of a task when the task starts, so that no window store is ever without a segment.
 *
 * <p>Why: since KIP-1035 (Kafka 4.3) a window store keeps its changelog offset inside its segments, and one with no
 * segment (no command decided in this partition yet, say) has no offset after a restart. Under exactly-once, Kafka
 * Streams then takes the whole task for corrupted ("did not find checkpoint offsets while stores are not empty"),
 * wipes every store of it and restores them from scratch: a warm restart turns cold, and a standby that takes over
 * from a stopped instance is unreadable until it has restored everything.
 *
 * <p>The record is written at the task's first wall-clock punctuation, in that commit's transaction and changelog,
 * under {@link #KEY}, which no id can be (event and command ids are UUIDs or hashes).
 */
final class WindowStoreAnchor {

    static final String KEY = " segment-anchor";

    private WindowStoreAnchor() {
    }

    /** Calls {@code anchor} with the wall-clock time once, soon after the task starts processing. */
    static void scheduleOnce(ProcessorContext<?, ?> context, LongConsumer anchor) {
        Cancellable[] once = new Cancellable[1];
        once[0] = context.schedule(Duration.ofMillis(1), PunctuationType.WALL_CLOCK_TIME, now -> {
            once[0].cancel();
            anchor.accept(now);
        });
    }
}
