package dev.outbox.delivery.deadletter;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * An input record exactly as it was consumed (bytes, headers, where it came from), kept so that a record that cannot
 * be processed reaches the dead-letter topic unchanged and can be replayed once the cause is fixed.
 */
public record OriginalRecord(byte[] key, byte[] value, Headers headers, String topic, int partition, long offset,
                             long timestamp) {

    /** Copies the headers: Kafka Streams may hand the same mutable headers on to other nodes. */
    public OriginalRecord {
        headers = new RecordHeaders(headers == null ? new org.apache.kafka.common.header.Header[0] : headers.toArray());
    }
}
