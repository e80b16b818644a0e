package dev.outbox.delivery.command;

import dev.outbox.delivery.platform.DeliveryProperties;
import dev.outbox.delivery.feed.DeliveryOutputsFeed;
import dev.outbox.delivery.platform.TraceContext;
import dev.outbox.delivery.platform.Problems;
import dev.outbox.events.delivery.DeliveryCommand;
import dev.outbox.events.delivery.DeliveryCommandResult;
import dev.outbox.serde.AvroSerdeConfig;
import dev.outbox.serde.KafkaAvroSerializer;
import dev.outbox.serde.SchemaRegistryClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sends a delivery command to the topology and waits for its result.
 *
 * <p>The command goes to {@code delivery.commands}, keyed by order id, so it is decided by the task that owns the
 * order's delivery, wherever that is. The result comes back through {@code delivery.command-results}, read by this
 * instance's {@link DeliveryOutputsFeed}. The producer is idempotent (retries do not duplicate a command).
 */
@Component
public class CommandGateway implements DisposableBean {

    private final KafkaProducer<String, Object> producer;
    private final KafkaClientMetrics producerMetrics;
    private final String topic;
    private final Duration timeout;
    private final PendingCommands pending;
    private final DeliveryOutputsFeed feed;

    public CommandGateway(KafkaProperties kafka, DeliveryProperties properties, SchemaRegistryClient registry,
                          PendingCommands pending, DeliveryOutputsFeed feed, MeterRegistry meterRegistry) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "delivery-commands");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0); // a person is waiting for each command: no batching delay
        config.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        config.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        KafkaAvroSerializer values = new KafkaAvroSerializer(registry, Map.of(
                AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY_CONFIG, AvroSerdeConfig.CONFLUENT_RECORD_NAME_STRATEGY),
                false);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), values);
        // tagged like Spring Kafka tags the Streams clients' meters: Prometheus wants one set of tag keys per name
        this.producerMetrics = new KafkaClientMetrics(producer, Tags.of("spring.id", "deliveryCommands"));
        this.producerMetrics.bindTo(meterRegistry);
        this.topic = properties.topics().commands();
        this.timeout = properties.command().timeout();
        this.pending = pending;
        this.feed = feed;
    }

    /**
     * Sends the command and completes with its result; fails with a 504 problem when none comes within the timeout,
     * with a 503 problem when the command cannot be sent (or results could not be seen).
     */
    public Mono<DeliveryCommandResult> send(DeliveryCommand command) {
        String orderId = command.getOrderId().toString();
        UUID commandId = command.getCommandId();
        return Mono.defer(() -> {
            if (!feed.isReady()) {
                return Mono.error(Problems.unavailable("Command results are not being read yet; retry shortly.",
                        Duration.ofSeconds(1)));
            }
            CompletableFuture<DeliveryCommandResult> result = pending.expect(commandId);
            // send() may block (metadata, first schema registration): off the event loop
            return Mono.fromFuture(() -> sendAsync(orderId, command))
                    .subscribeOn(Schedulers.boundedElastic())
                    .onErrorMap(e -> !(e instanceof ErrorResponseException),
                            e -> Problems.unavailable("The command could not be sent to Kafka: " + e.getMessage(),
                                    Duration.ofSeconds(1)))
                    .then(Mono.fromFuture(result))
                    .timeout(timeout, Mono.error(() -> Problems.commandTimeout(orderId, commandId.toString(), timeout)))
                    // only this request's interest: a retry waiting under the same command id keeps its own
                    .doFinally(signal -> pending.forget(commandId, result));
        });
    }

    private CompletableFuture<Void> sendAsync(String orderId, DeliveryCommand command) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        try {
            ProducerRecord<String, Object> record = new ProducerRecord<>(topic, orderId, command);
            TraceContext.of(command.getTraceparent()).addTo(record.headers());
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    sent.completeExceptionally(error);
                } else {
                    sent.complete(null);
                }
            });
        } catch (RuntimeException e) {
            sent.completeExceptionally(e);
        }
        return sent;
    }

    @Override
    public void destroy() {
        producerMetrics.close();
        producer.close(Duration.ofSeconds(5));
    }
}
