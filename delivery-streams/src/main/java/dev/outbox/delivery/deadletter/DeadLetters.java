package dev.outbox.delivery.deadletter;

import dev.outbox.delivery.platform.Causes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The headers of a record on the dead-letter topic, and the dead-letter records the deliveries processor writes itself.
 *
 * <p>Most dead letters are written by Kafka Streams' own dead-letter queue (KIP-1034,
 * {@code errors.dead.letter.queue.topic.name}): the record as consumed, with its headers, plus Streams'
 * {@code __streams.errors.*} headers. {@link DeadLetterHandler} adds {@value #REASON} (the cause chain, which
 * Streams' message header lacks) and {@value #STAGE}. Held-back order events that can never be applied are not the
 * record being processed (they were consumed earlier, and the gap timer finds them in a punctuation), so Streams'
 * handlers cannot dead-letter them; the deliveries processor writes those through a sink with {@link #deadLetter},
 * with the same headers, to the same topic, in the same exactly-once transaction.
 *
 * <p>Today's names and what they were called before Kafka Streams had its own dead-letter queue:
 * {@value #EXCEPTION} (was {@code dlq.exception}), {@value #SOURCE_TOPIC} ({@code dlq.source.topic}),
 * {@value #SOURCE_PARTITION} ({@code dlq.source.partition}), {@value #SOURCE_OFFSET} ({@code dlq.source.offset});
 * {@value #REASON} and {@value #STAGE} kept their names; {@value #MESSAGE} and {@value #STACKTRACE} are new.
 */
public final class DeadLetters {

    /** Exception class and message, with its causes', e.g. {@code ...SerializationException: ...; caused by ...}. */
    public static final String REASON = "dlq.reason";
    /**
     * What failed: {@value #STAGE_DECODE}, {@value #STAGE_PROCESS}, {@value #STAGE_PRODUCE} (an output of the record
     * could not be written) or {@value #STAGE_GAP_TIMEOUT}.
     */
    public static final String STAGE = "dlq.stage";

    // Kafka Streams' own dead-letter headers (the values of its internal ExceptionHandlerUtils, not public API)
    /** Fully qualified class of the exception. */
    public static final String EXCEPTION = "__streams.errors.exception";
    /** The exception's own message. */
    public static final String MESSAGE = "__streams.errors.message";
    public static final String STACKTRACE = "__streams.errors.stacktrace";
    /** Where the record was consumed from. */
    public static final String SOURCE_TOPIC = "__streams.errors.topic";
    public static final String SOURCE_PARTITION = "__streams.errors.partition";
    public static final String SOURCE_OFFSET = "__streams.errors.offset";

    public static final String STAGE_DECODE = "decode";
    public static final String STAGE_PROCESS = "process";
    public static final String STAGE_PRODUCE = "produce";
    public static final String STAGE_GAP_TIMEOUT = "gap-timeout";

    private static final int MAX_REASON_LENGTH = 4000;

    private DeadLetters() {
    }

    /** A held-back record as it was consumed, with the headers Streams' dead-letter queue gives its own records. */
    public static Record<byte[], byte[]> deadLetter(OriginalRecord original, String stage, Throwable error) {
        Headers headers = new RecordHeaders(original.headers().toArray());
        put(headers, EXCEPTION, error.getClass().getName());
        put(headers, MESSAGE, error.getMessage());
        put(headers, STACKTRACE, stackTrace(error));
        put(headers, SOURCE_TOPIC, original.topic());
        put(headers, SOURCE_PARTITION, Integer.toString(original.partition()));
        put(headers, SOURCE_OFFSET, Long.toString(original.offset()));
        describe(headers, stage, error);
        return new Record<>(original.key(), original.value(), original.timestamp(), headers);
    }

    /** Adds (replacing) {@value #REASON} and {@value #STAGE}. */
    public static void describe(Headers headers, String stage, Throwable error) {
        put(headers, REASON, reason(error));
        put(headers, STAGE, stage);
    }

    /** {@code class: message; caused by class: message ...}, bounded in length. */
    public static String reason(Throwable error) {
        StringBuilder reason = new StringBuilder();
        List<Throwable> chain = Causes.of(error);
        for (Throwable cause : chain.subList(0, Math.min(5, chain.size()))) {
            if (!reason.isEmpty()) {
                reason.append("; caused by ");
            }
            reason.append(cause.getClass().getName());
            if (cause.getMessage() != null) {
                reason.append(": ").append(cause.getMessage());
            }
        }
        return reason.length() <= MAX_REASON_LENGTH ? reason.toString() : reason.substring(0, MAX_REASON_LENGTH) + "…";
    }

    private static String stackTrace(Throwable error) {
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        return trace.toString();
    }

    private static void put(Headers headers, String key, String value) {
        headers.remove(key);
        if (value != null) {
            headers.add(key, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
