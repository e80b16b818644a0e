package dev.outbox.delivery.projection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The order event ids already processed, in the {@code order-event-ids} window store (event id, time first seen),
 * for one task. {@link DeduplicateByEventId} asks and records; the deliveries processor forgets an id when it
 * dead-letters an event it had held back, since that event was not processed after all and must pass the dedup
 * step when it is replayed from the dead-letter topic.
 *
 * <p>Times are wall-clock ({@link ProcessorContext#currentSystemTimeMs()}); see {@link DeduplicateByEventId}.
 */
public final class SeenEventIds {

    private final String storeName;
    private final long retentionMs;
    private WindowStore<String, Long> store;

    public SeenEventIds(String storeName, Duration retention) {
        this.storeName = storeName;
        this.retentionMs = retention.toMillis();
    }

    /** Call from the processor's {@code init}: the store must be connected to that processor. */
    public void init(ProcessorContext<?, ?> context) {
        this.store = context.getStateStore(storeName);
    }

    /** When the id was first seen within the retention, or null when it was not. */
    public Long firstSeen(String eventId, long now) {
        try (WindowStoreIterator<Long> earlier = store.fetch(eventId, from(now), now + retentionMs)) {
            return earlier.hasNext() ? earlier.next().value : null;
        }
    }

    /** Gives the store a segment; see {@link WindowStoreAnchor}. */
    void anchor(long now) {
        store.put(WindowStoreAnchor.KEY, now, now);
    }

    public void remember(String eventId, long now) {
        store.put(eventId, now, now);
    }

    /** Removes every record of the id (a window store deletes by key and window start: put null). */
    public void forget(String eventId, long now) {
        List<Long> windows = new ArrayList<>(1);
        try (WindowStoreIterator<Long> seen = store.fetch(eventId, from(now), now + retentionMs)) {
            seen.forEachRemaining(entry -> windows.add(entry.key));
        }
        windows.forEach(windowStart -> store.put(eventId, null, windowStart));
    }

    private long from(long now) {
        return Math.max(0, now - retentionMs);
    }
}
