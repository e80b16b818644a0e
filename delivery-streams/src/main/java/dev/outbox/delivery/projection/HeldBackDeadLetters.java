package dev.outbox.delivery.projection;

import dev.outbox.delivery.deadletter.DeadLetterMetrics;
import dev.outbox.delivery.deadletter.DeadLetters;
import dev.outbox.delivery.deadletter.OriginalRecord;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends held-back order events that can never be applied to the dead-letter topic. Streams' own dead-letter queue
 * cannot: they are not the record being processed when they fail (they were consumed earlier, and the gap timer
 * finds them in a punctuation), so the deliveries processor writes them through its dead-letter sink, with the
 * headers Streams gives its own dead letters ({@link DeadLetters#deadLetter}), in the same exactly-once transaction.
 *
 * <p>Each one's event id is forgotten: the dedup step recorded it when it passed the event on, but it was never
 * applied, so a replay from the dead-letter topic must be processed, not dropped as a duplicate.
 */
final class HeldBackDeadLetters {

    private static final Logger log = LoggerFactory.getLogger(HeldBackDeadLetters.class);

    private final SeenEventIds seenEventIds;
    private final String deadLetterSink;
    private final DeadLetterMetrics metrics;
    private ProcessorContext<Object, Object> context;

    HeldBackDeadLetters(SeenEventIds seenEventIds, String deadLetterSink, DeadLetterMetrics metrics) {
        this.seenEventIds = seenEventIds;
        this.deadLetterSink = deadLetterSink;
        this.metrics = metrics;
    }

    void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    /** @param eventId the event's id, or null when it is not known (a record that no longer decodes) */
    void send(OriginalRecord original, String eventId, String stage, RuntimeException reason) {
        log.warn("Dead-lettering held-back record {}-{}@{}: {}", original.topic(), original.partition(),
                original.offset(), DeadLetters.reason(reason));
        if (eventId != null) {
            seenEventIds.forget(eventId, context.currentSystemTimeMs());
        } else {
            log.warn("Held-back record {}-{}@{} has no event id: a replay of it may be dropped as a duplicate",
                    original.topic(), original.partition(), original.offset());
        }
        context.forward(DeadLetters.deadLetter(original, stage, reason), deadLetterSink);
        metrics.deadLettered(original.topic(), stage);
    }

    /**
     * The id of a held-back record that no longer decodes, from the {@value OutputHeaders#EVENT_ID} header Debezium's
     * outbox router puts on every order event; null without one.
     */
    static String eventIdHeader(OriginalRecord original) {
        Header header = original.headers().lastHeader(OutputHeaders.EVENT_ID);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
