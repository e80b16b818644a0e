package dev.outbox.delivery.projection;

import java.time.Duration;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops a record whose event id was already processed within the retention (the classic Kafka Streams dedup).
 *
 * <p>Debezium delivers at least once: after a Connect crash it re-sends what it had not committed offsets for, with
 * the same event ids. The seen ids live in a persistent window store, keyed by event id with the time it was seen,
 * so old ids expire segment by segment instead of growing without bound. Every event of an order carries the order
 * id as its key, so a re-sent event always comes back to the same partition, hence to this task's store.
 *
 * <p>Times are wall-clock, not record timestamps: "seen within the last N days" should not depend on what
 * timestamp the connector put on a record. The id is recorded as the record is passed on. A downstream failure does
 * not come back here (Kafka Streams hands it to its processing exception handler at the node that threw, which
 * dead-letters the record and returns normally), so the processor that fails on a record forgets its id
 * ({@link SeenEventIds#forget}): a record on the dead-letter topic was not processed, and its replay must pass. A
 * record held back downstream (it came before an earlier event of its order) counts as processed; should it be
 * dead-lettered later (its gap timed out), the processor that held it forgets its id too.
 */
public final class DeduplicateByEventId<K, V> implements Processor<K, V, K, V> {

    private static final Logger log = LoggerFactory.getLogger(DeduplicateByEventId.class);

    private final SeenEventIds seen;
    private final Function<V, String> eventIdOf;
    private final DeliveryMetrics metrics;
    private ProcessorContext<K, V> context;

    public DeduplicateByEventId(String storeName, Duration retention, Function<V, String> eventIdOf,
                                DeliveryMetrics metrics) {
        this.seen = new SeenEventIds(storeName, retention);
        this.eventIdOf = eventIdOf;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<K, V> context) {
        this.context = context;
        seen.init(context);
    }

    @Override
    public void process(Record<K, V> record) {
        String eventId = eventIdOf.apply(record.value());
        long now = context.currentSystemTimeMs();
        Long firstSeen = seen.firstSeen(eventId, now);
        if (firstSeen != null) {
            metrics.duplicateDropped();
            log.debug("Dropping duplicate event {} (order {}), first seen at {}", eventId, record.key(), firstSeen);
            return;
        }
        seen.remember(eventId, now);
        context.forward(record);
    }
}
