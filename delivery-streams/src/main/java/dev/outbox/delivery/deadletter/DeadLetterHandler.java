package dev.outbox.delivery.deadletter;

import dev.outbox.delivery.platform.Causes;
import dev.outbox.serde.SchemaRegistryException;
import dev.outbox.serde.SchemaRegistryUnavailableException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' own dead-letter queue (KIP-1034) for records that cannot be decoded (the deserialization exception
 * handler), processed (the processing exception handler) or whose outputs cannot be written (the production exception
 * handler), with the one rule Streams' handlers do not know: a failure that is not the record's fault must not
 * dead-letter it.
 *
 * <p>Everything else is Streams' built-in behaviour, delegated to {@link LogAndContinueExceptionHandler} and
 * {@link LogAndContinueProcessingExceptionHandler}: the record as it was consumed (raw key and value, headers) goes to
 * {@code errors.dead.letter.queue.topic.name} with Streams' {@code __streams.errors.*} headers, through the task's
 * producer, so in the same exactly-once transaction as the rest of the task's work; processing goes on with the next
 * record. This class only adds the {@link DeadLetters#REASON} and {@link DeadLetters#STAGE} headers and counts the
 * record.
 *
 * <p>An output that cannot be written for good (larger than the broker takes, refused as invalid, not serialisable)
 * dead-letters the record that caused it and processing goes on, where Streams' default would fail the task, and the
 * replacement thread would fail on the same record again: one record would stop its partition for everyone. A
 * changelog write that fails so leaves the store ahead of its changelog until the key is written again; the views are
 * bounded so that this does not happen (see {@code DeliveryHistory}), and this is the last line of defence. Transient
 * producer errors are retried, as by default.
 *
 * <p>Not the record's fault, so {@code FAIL}: nothing is dead-lettered, the task fails, the transaction is aborted and
 * the record is read again by the replacement thread (see {@code KafkaStreamsConfig}) from the last commit:
 * <ul>
 *   <li>an unreachable schema registry ({@link SchemaRegistryUnavailableException} anywhere in the cause chain);</li>
 *   <li>a registry that refuses the app's credentials (401, 403);</li>
 *   <li>during processing, Streams' own exceptions ({@link StreamsException}: an output that cannot be serialised, a
 *       fenced producer, a broken store), from which Streams recovers by aborting and reprocessing.</li>
 * </ul>
 *
 * <p>Configure with {@link #config}; one instance serves as both handlers.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler,
        ProductionExceptionHandler {

    /** Optional config entry: the {@link DeadLetterMetrics} that count dead letters. */
    public static final String METRICS_CONFIG = "delivery.dlq.metrics";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterHandler.class);

    private final LogAndContinueExceptionHandler deserialization = new LogAndContinueExceptionHandler();
    private final LogAndContinueProcessingExceptionHandler processing = new LogAndContinueProcessingExceptionHandler();
    private final DefaultProductionExceptionHandler production = new DefaultProductionExceptionHandler();
    private DeadLetterMetrics metrics;

    /** The Streams settings that turn on the dead-letter queue to {@code topic} with this handler. */
    public static Map<String, Object> config(String topic, DeadLetterMetrics metrics) {
        return Map.of(
                StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topic,
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class,
                StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class,
                METRICS_CONFIG, metrics);
    }

    @Override
    public void configure(Map<String, ?> configs) {
        deserialization.configure(configs);
        processing.configure(configs);
        production.configure(configs);
        metrics = (DeadLetterMetrics) configs.get(METRICS_CONFIG);
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                                ConsumerRecord<byte[], byte[]> record,
                                                                Exception exception) {
        String notTheRecordsFault = notTheRecordsFault(exception, false);
        if (notTheRecordsFault != null) {
            logFailure(context, notTheRecordsFault, exception);
            return DeserializationExceptionHandler.Response.fail();
        }
        DeserializationExceptionHandler.Response response = deserialization.handleError(context, record, exception);
        described(response.deadLetterQueueRecords(), context, DeadLetters.STAGE_DECODE, exception);
        return response;
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
                                                           Exception exception) {
        String notTheRecordsFault = notTheRecordsFault(exception, true);
        if (notTheRecordsFault != null) {
            logFailure(context, notTheRecordsFault, exception);
            return ProcessingExceptionHandler.Response.fail();
        }
        ProcessingExceptionHandler.Response response = processing.handleError(context, record, exception);
        described(response.deadLetterQueueRecords(), context, DeadLetters.STAGE_PROCESS, exception);
        return response;
    }

    @Override
    public ProductionExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                           ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RetriableException) {
            return ProductionExceptionHandler.Response.retry();
        }
        return unwritable(context, record.topic(), exception,
                () -> production.handleError(context, record, exception).deadLetterQueueRecords());
    }

    @Override
    public ProductionExceptionHandler.Response handleSerializationError(ErrorHandlerContext context,
                                                                        ProducerRecord record, Exception exception,
                                                                        SerializationExceptionOrigin origin) {
        return unwritable(context, record.topic(), exception, () -> production
                .handleSerializationError(context, record, exception, origin).deadLetterQueueRecords());
    }

    /** An output of the record being processed cannot be written: dead-letter the record and go on, or fail. */
    private ProductionExceptionHandler.Response unwritable(
            ErrorHandlerContext context, String outputTopic, Exception exception,
            Supplier<List<ProducerRecord<byte[], byte[]>>> streamsDeadLetters) {
        String notTheRecordsFault = notTheRecordsFault(exception, false);
        if (notTheRecordsFault != null) {
            logFailure(context, notTheRecordsFault, exception);
            return ProductionExceptionHandler.Response.fail();
        }
        // Streams' default builds the dead letter from the record being processed (as consumed), not from the output
        // that failed (which may be too large for any topic), and fails; here processing resumes
        List<ProducerRecord<byte[], byte[]>> deadLetters = streamsDeadLetters.get();
        described(deadLetters, context, DeadLetters.STAGE_PRODUCE, exception);
        log.error("Could not write to {} while handling {}-{}@{}: the record is dead-lettered, processing goes on",
                outputTopic, context.topic(), context.partition(), context.offset(), exception);
        return ProductionExceptionHandler.Response.resume(deadLetters);
    }

    private void described(List<ProducerRecord<byte[], byte[]>> deadLetters, ErrorHandlerContext context,
                           String stage, Exception exception) {
        for (ProducerRecord<byte[], byte[]> deadLetter : deadLetters) {
            DeadLetters.describe(deadLetter.headers(), stage, exception);
        }
        if (!deadLetters.isEmpty() && metrics != null) {
            metrics.deadLettered(context.topic(), stage);
        }
    }

    /** Why the failure is not the record's fault, or null when it is. */
    static String notTheRecordsFault(Throwable exception, boolean streamsOwnToo) {
        if (streamsOwnToo && exception instanceof StreamsException) {
            return "Kafka Streams failed";
        }
        for (Throwable t : Causes.of(exception)) {
            if (t instanceof SchemaRegistryUnavailableException) {
                return "schema registry unavailable";
            }
            if (t instanceof SchemaRegistryException r && r.isAuthenticationOrAuthorizationFailure()) {
                return "schema registry refused the credentials (check outbox.schema-registry.user-info)";
            }
        }
        return null;
    }

    private static void logFailure(ErrorHandlerContext context, String why, Exception exception) {
        log.error("{} while handling {}-{}@{}: failing the task so that the record is read again, not dead-lettered",
                why, context.topic(), context.partition(), context.offset(), exception);
    }
}
