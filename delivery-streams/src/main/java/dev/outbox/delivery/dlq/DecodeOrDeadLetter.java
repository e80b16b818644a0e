package dev.outbox.delivery.dlq;

import dev.outbox.delivery.metrics.DeliveryMetrics;
import dev.outbox.delivery.trace.TraceContext;
import dev.outbox.serde.SchemaRegistryException;
import dev.outbox.serde.SchemaRegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.internals.FailedProcessingException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First node after a source: decodes the raw record (UTF-8 key, registry-backed Avro value) into what the rest of the
 * topology works with, and sends the record to the dead-letter sink, unchanged, when it cannot be decoded or when
 * processing it further down throws.
 *
 * <p>Sources read bytes, not Avro, on purpose: a deserializer failing inside the source would go to Streams'
 * deserialization exception handler, which can only log-and-skip or stop. Here the failure is just another output.
 *
 * <p>Because {@link ProcessorContext#forward} runs the downstream nodes synchronously, the same try/catch also sees
 * a processing failure of this record further down. Kafka Streams 4 first hands such an exception to its processing
 * exception handler (KIP-1033); the default handler (fail) rethrows it wrapped in a
 * {@link FailedProcessingException}, which is unwrapped here. (A handler configured to continue would drop the
 * record instead, and it would never reach the dead-letter topic.) The downstream nodes do their fallible work
 * before writing anything, so a record that fails leaves no partial state behind.
 *
 * <p>An unreachable schema registry is not the record's fault either, nor one that refuses the app's credentials
 * (401, 403): both fail the task (see below) rather than dead-lettering good records.
 *
 * <p>Streams' own exceptions (a fenced producer, a migrated task, an output that cannot be serialised, a broken
 * store) are rethrown: they are not the record's fault, and Streams recovers from them by aborting the transaction
 * and reprocessing.
 *
 * @param <V> what the decoded record's value becomes
 */
public final class DecodeOrDeadLetter<V> implements Processor<byte[], byte[], Object, Object> {

    /** Turns the decoded key and payload into the downstream value; throws when the record makes no sense. */
    @FunctionalInterface
    public interface Mapper<V> {
        V map(String key, Object payload, OriginalRecord original);
    }

    private static final Logger log = LoggerFactory.getLogger(DecodeOrDeadLetter.class);

    private final Deserializer<Object> deserializer;
    private final Mapper<V> mapper;
    private final String downstream;
    private final String deadLetterSink;
    private final DeliveryMetrics metrics;
    private ProcessorContext<Object, Object> context;

    public DecodeOrDeadLetter(Deserializer<Object> deserializer, Mapper<V> mapper, String downstream,
                              String deadLetterSink, DeliveryMetrics metrics) {
        this.deserializer = deserializer;
        this.mapper = mapper;
        this.downstream = downstream;
        this.deadLetterSink = deadLetterSink;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        OriginalRecord original = original(record);
        String stage = DeadLetters.STAGE_DECODE;
        try (TraceContext.Scope ignored = TraceContext.fromHeaders(record.headers()).inMdc()) {
            try {
                if (record.key() == null) {
                    throw new IllegalArgumentException("record has no key (the order id)");
                }
                if (record.value() == null) {
                    throw new IllegalArgumentException("record has no value");
                }
                String key = new String(record.key(), StandardCharsets.UTF_8);
                Object payload = deserializer.deserialize(original.topic(), record.headers(), record.value());
                V value = mapper.map(key, payload, original);
                stage = DeadLetters.STAGE_PROCESS;
                context.forward(new Record<>(key, value, record.timestamp(), record.headers()), downstream);
            } catch (FailedProcessingException e) {
                if (!(e.getCause() instanceof RuntimeException cause) || cause instanceof StreamsException) {
                    throw e;
                }
                deadLetterUnlessRegistryDown(original, stage, cause);
            } catch (StreamsException e) {
                throw e;
            } catch (RuntimeException e) {
                deadLetterUnlessRegistryDown(original, stage, e);
            }
        }
    }

    private void deadLetterUnlessRegistryDown(OriginalRecord original, String stage, RuntimeException e) {
        if (registryUnavailable(e)) {
            // not the record's fault: fail the task so the transaction aborts and the record is read again (the
            // thread is replaced) once the registry answers, instead of dead-lettering good records
            throw new StreamsException("schema registry unavailable while handling " + original.topic() + "-"
                    + original.partition() + "@" + original.offset(), e);
        }
        if (registryRefusedCredentials(e)) {
            throw new StreamsException("schema registry refused the credentials while handling " + original.topic()
                    + "-" + original.partition() + "@" + original.offset()
                    + " (check outbox.schema-registry.user-info)", e);
        }
        deadLetter(original, stage, e);
    }

    private static boolean registryUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SchemaRegistryUnavailableException) {
                return true;
            }
        }
        return false;
    }

    private static boolean registryRefusedCredentials(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SchemaRegistryException r && r.isAuthenticationOrAuthorizationFailure()) {
                return true;
            }
        }
        return false;
    }

    private void deadLetter(OriginalRecord original, String stage, RuntimeException reason) {
        log.warn("Dead-lettering record {}-{}@{} ({} failed): {}", original.topic(), original.partition(),
                original.offset(), stage, DeadLetters.reason(reason));
        context.forward(DeadLetters.deadLetter(original, stage, reason), deadLetterSink);
        metrics.deadLettered(original.topic(), stage);
    }

    private OriginalRecord original(Record<byte[], byte[]> record) {
        RecordMetadata metadata = context.recordMetadata().orElse(null);
        return new OriginalRecord(record.key(), record.value(), record.headers(),
                metadata == null ? null : metadata.topic(),
                metadata == null ? -1 : metadata.partition(),
                metadata == null ? -1 : metadata.offset(),
                record.timestamp());
    }
}
