package dev.outbox.delivery.projection;

import dev.outbox.events.delivery.DeliveryStatus;
import dev.outbox.events.delivery.DeliveryView;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deliveries of each status, in the {@code deliveries-by-status} store of the same task as the
 * {@code deliveries} store, so that a page of one status is a range read instead of a scan of every delivery.
 *
 * <p>Keys: {@code STATUS/orderId} (value: the delivery's last update, epoch ms), so one status's entries are
 * contiguous and in order id order, like the deliveries store; and {@code #STATUS} holding how many deliveries of
 * the partition have that status. It is written in the same exactly-once transaction as the view and is
 * changelogged, so it never disagrees with the store it indexes.
 *
 * <p>A store that existed before the index (an upgraded stack) is indexed once, by a punctuation right after the task
 * starts; until {@link #READY_KEY} is written, readers fall back to scanning. Writes are idempotent by key (an entry
 * counts only when it is added or removed), so the one-off pass and concurrent processing cannot count twice.
 */
public final class StatusIndex {

    private static final Logger log = LoggerFactory.getLogger(StatusIndex.class);
    /** Present once every delivery of the partition is indexed. */
    public static final String READY_KEY = "!indexed";
    private static final char SEPARATOR = '/';

    private final String storeName;
    private KeyValueStore<String, Long> store;
    private Cancellable backfill;

    StatusIndex(String storeName) {
        this.storeName = storeName;
    }

    /** The key of one delivery in the index. */
    public static String key(DeliveryStatus status, String orderId) {
        return status.name() + SEPARATOR + orderId;
    }

    /** First key of a status's range ({@code after} excluded by the caller), and the bound after its last key. */
    public static String rangeStart(DeliveryStatus status, String after) {
        return status.name() + SEPARATOR + (after == null ? "" : after);
    }

    public static String rangeEnd(DeliveryStatus status) {
        return status.name() + (char) (SEPARATOR + 1); // '0': the first character after '/'
    }

    public static String orderIdOf(String key) {
        return key.substring(key.indexOf(SEPARATOR) + 1);
    }

    public static String countKey(DeliveryStatus status) {
        return "#" + status.name();
    }

    /** How many deliveries of this status the store's partition holds; null while it is not indexed yet. */
    public static Long count(ReadOnlyKeyValueStore<String, Long> store, DeliveryStatus status) {
        if (store.get(READY_KEY) == null) {
            return null;
        }
        Long count = store.get(countKey(status));
        return count == null ? 0L : count;
    }

    void init(ProcessorContext<?, ?> context, KeyValueStore<String, DeliveryView> deliveries) {
        this.store = context.getStateStore(storeName);
        if (store.get(READY_KEY) == null) {
            backfill = context.schedule(Duration.ofMillis(100), PunctuationType.WALL_CLOCK_TIME,
                    now -> indexExisting(deliveries, now));
        }
    }

    /** Records a delivery's move from one status to another ({@code from} null: a new delivery). */
    void moved(String orderId, DeliveryStatus from, DeliveryStatus to, long updatedAt) {
        if (from == to) {
            return;
        }
        if (from != null && store.delete(key(from, orderId)) != null) {
            add(from, -1);
        }
        if (store.putIfAbsent(key(to, orderId), updatedAt) == null) {
            add(to, 1);
        }
    }

    private void add(DeliveryStatus status, long delta) {
        Long count = store.get(countKey(status));
        store.put(countKey(status), (count == null ? 0 : count) + delta);
    }

    /** The one-off pass over a store that has deliveries the index does not know yet. */
    private void indexExisting(KeyValueStore<String, DeliveryView> deliveries, long now) {
        backfill.cancel();
        int added = 0;
        try (KeyValueIterator<String, DeliveryView> it = deliveries.all()) {
            while (it.hasNext()) {
                KeyValue<String, DeliveryView> entry = it.next();
                if (store.putIfAbsent(key(entry.value.getStatus(), entry.key),
                        entry.value.getUpdatedAt().toEpochMilli()) == null) {
                    add(entry.value.getStatus(), 1);
                    added++;
                }
            }
        }
        store.put(READY_KEY, now);
        if (added > 0) {
            log.info("Indexed {} existing deliveries by status", added);
        }
    }
}
