package dev.outbox.delivery.dlq;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Builds dead-letter records: the original key, value, timestamp and headers, plus headers saying why and from where.
 *
 * <p>Kafka Streams 4.1 has no dead-letter queue of its own (KIP-1034 comes later), so the topology writes these records
 * itself, through a sink in the same exactly-once transaction as everything else: a record is either processed or
 * dead-lettered, never both, never neither.
 */
public final class DeadLetters {

    /** Exception class and message (with its causes'), e.g. {@code dev.outbox.serde.UnknownSchemaIdException: ...}. */
    public static final String REASON = "dlq.reason";
    /** Fully qualified class of the exception. */
    public static final String EXCEPTION = "dlq.exception";
    /** Where the record was consumed from. */
    public static final String SOURCE_TOPIC = "dlq.source.topic";
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    public static final String SOURCE_OFFSET = "dlq.source.offset";
    /** What failed: {@value #STAGE_DECODE}, {@value #STAGE_PROCESS} or {@value #STAGE_GAP_TIMEOUT}. */
    public static final String STAGE = "dlq.stage";

    public static final String STAGE_DECODE = "decode";
    public static final String STAGE_PROCESS = "process";
    public static final String STAGE_GAP_TIMEOUT = "gap-timeout";

    private static final int MAX_REASON_LENGTH = 4000;

    private DeadLetters() {
    }

    public static Record<byte[], byte[]> deadLetter(OriginalRecord original, String stage, Throwable error) {
        Headers headers = new RecordHeaders(original.headers().toArray());
        put(headers, REASON, reason(error));
        put(headers, EXCEPTION, error.getClass().getName());
        put(headers, SOURCE_TOPIC, original.topic());
        put(headers, SOURCE_PARTITION, Integer.toString(original.partition()));
        put(headers, SOURCE_OFFSET, Long.toString(original.offset()));
        put(headers, STAGE, stage);
        return new Record<>(original.key(), original.value(), original.timestamp(), headers);
    }

    /** {@code class: message; caused by class: message ...}, bounded in length. */
    public static String reason(Throwable error) {
        StringBuilder reason = new StringBuilder();
        Throwable cause = error;
        for (int depth = 0; cause != null && depth < 5; depth++, cause = cause.getCause()) {
            if (depth > 0) {
                reason.append("; caused by ");
            }
            reason.append(cause.getClass().getName());
            if (cause.getMessage() != null) {
                reason.append(": ").append(cause.getMessage());
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return reason.length() <= MAX_REASON_LENGTH ? reason.toString() : reason.substring(0, MAX_REASON_LENGTH) + "…";
    }

    private static void put(Headers headers, String key, String value) {
        headers.remove(key);
        if (value != null) {
            headers.add(key, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
