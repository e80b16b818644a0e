package dev.outbox.delivery.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.outbox.delivery.command.PendingCommands;
import dev.outbox.delivery.projection.OutputHeaders;
import dev.outbox.delivery.testing.InMemorySchemaRegistry;
import dev.outbox.events.delivery.CommandOutcome;
import dev.outbox.events.delivery.DeliveryCommandResult;
import dev.outbox.events.delivery.DeliveryStatus;
import dev.outbox.serde.AvroSerdeConfig;
import dev.outbox.serde.KafkaAvroSerializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.web.ErrorResponseException;

/** The outputs feed on mock consumers: what it does when its consumer fails. */
class DeliveryOutputsFeedTest {

    private static final String RESULTS = "delivery.command-results";
    private static final String STATUS = "delivery.status";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final KafkaAvroSerializer writer = new KafkaAvroSerializer(registry, Map.of(
            AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY_CONFIG, AvroSerdeConfig.CONFLUENT_RECORD_NAME_STRATEGY), false);
    private final PendingCommands pending = new PendingCommands();
    private final List<PacedConsumer> consumers = new CopyOnWriteArrayList<>();
    private final DeliveryOutputsFeed feed = new DeliveryOutputsFeed(this::newConsumer, RESULTS, STATUS, registry,
            pending, new StatusChanges(), new SimpleMeterRegistry(), Duration.ofMillis(300));
    private final OutputsFeedHealthIndicator health = new OutputsFeedHealthIndicator(feed);

    @AfterEach
    void stop() {
        feed.stop();
    }

    @Test
    void afterItsConsumerFailsTheFeedRestartsByItselfAndHealthShowsTheFailureMeanwhile() {
        feed.start();
        await().atMost(WAIT).until(feed::isReady);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);

        consumers.get(0).setPollException(new KafkaException("connection to the broker lost"));

        await().atMost(WAIT).until(() -> health.health().getStatus().equals(Status.DOWN));
        Health restarting = health.health();
        assertThat(String.valueOf(restarting.getDetails().get("lastError"))).contains("connection to the broker lost");
        assertThat(restarting.getDetails()).containsEntry("failures", 1);

        await().atMost(WAIT).until(feed::isReady);
        assertThat(consumers).hasSize(2);
        assertThat(consumers.get(0).closed()).isTrue();
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);

        // and it reads again: a waiting command gets its result
        UUID commandId = UUID.randomUUID();
        CompletableFuture<DeliveryCommandResult> answer = pending.expect(commandId);
        DeliveryCommandResult result = new DeliveryCommandResult(commandId, UUID.randomUUID(), CommandOutcome.ACCEPTED,
                DeliveryStatus.IN_TRANSIT, null, Instant.parse("2025-03-01T12:00:00Z"));
        consumers.get(1).addRecord(new ConsumerRecord<>(RESULTS, 0, 0L, result.getOrderId().toString(),
                writer.serialize(RESULTS, result)));
        assertThat(answer).succeedsWithin(WAIT).isEqualTo(result);
    }

    @Test
    void aResultSayingTheCommandIdWasUsedForAnotherCommandFailsTheRequestWith422() {
        feed.start();
        await().atMost(WAIT).until(feed::isReady);
        UUID commandId = UUID.randomUUID();
        CompletableFuture<DeliveryCommandResult> answer = pending.expect(commandId);
        DeliveryCommandResult result = new DeliveryCommandResult(commandId, UUID.randomUUID(), CommandOutcome.REJECTED,
                DeliveryStatus.IN_TRANSIT, "command id already used for another command", Instant.now());
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(RESULTS, 0, 0L, result.getOrderId().toString(),
                writer.serialize(RESULTS, result));
        record.headers().add(OutputHeaders.COMMAND_ID_REUSED, "true".getBytes());

        consumers.get(0).addRecord(record);

        assertThat(answer).failsWithin(WAIT).withThrowableThat().havingCause()
                .isInstanceOfSatisfying(ErrorResponseException.class, e -> {
                    assertThat(e.getStatusCode().value()).isEqualTo(422);
                    assertThat(e.getBody().getType().toString()).endsWith("idempotency-key-reused");
                });
    }

    private PacedConsumer newConsumer() {
        PacedConsumer consumer = new PacedConsumer();
        for (String topic : List.of(RESULTS, STATUS)) {
            consumer.updatePartitions(topic, List.of(new PartitionInfo(topic, 0, Node.noNode(), null, null)));
            consumer.updateEndOffsets(Map.of(new TopicPartition(topic, 0), 0L));
        }
        consumers.add(consumer);
        return consumer;
    }

    /** A mock consumer whose poll waits a little, as a real one does, instead of spinning. */
    static final class PacedConsumer extends MockConsumer<String, byte[]> {

        PacedConsumer() {
            super("latest");
        }

        @Override
        public ConsumerRecords<String, byte[]> poll(Duration timeout) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return super.poll(timeout);
        }
    }
}
