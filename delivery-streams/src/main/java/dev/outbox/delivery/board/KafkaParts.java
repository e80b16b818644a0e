package dev.outbox.delivery.board;

import dev.outbox.delivery.board.PipelineProbe.Part;
import dev.outbox.delivery.board.PipelineProbe.State;
import dev.outbox.delivery.platform.DeliveryProperties;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * What the board shows of Kafka itself: the broker's state, the projection's consumer lag on the order events and
 * the records in the dead-letter topic, through an admin client and a reader of the dead-letter topic that are kept
 * between probes (and replaced after a failure, rather than left stuck on a dead connection). Used by the probe's
 * one thread only.
 */
final class KafkaParts {

    private static final Logger log = LoggerFactory.getLogger(KafkaParts.class);

    private final BoardProperties board;
    private final DeliveryProperties delivery;
    private final KafkaProperties kafka;
    private final String applicationId;
    private Admin admin;
    private Consumer<byte[], byte[]> deadLetterReader;
    private long deadLetterCount;

    KafkaParts(BoardProperties board, DeliveryProperties delivery, KafkaProperties kafka, String applicationId) {
        this.board = board;
        this.delivery = delivery;
        this.kafka = kafka;
        this.applicationId = applicationId;
    }

    Part broker() {
        try {
            int nodes = admin().describeCluster().nodes().get(board.probeTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .size();
            return new Part("kafka", "Kafka broker", State.UP, nodes + " node" + (nodes == 1 ? "" : "s") + " at "
                    + String.join(",", kafka.getBootstrapServers()));
        } catch (Exception e) {
            close(); // a new client next time, rather than one stuck on a dead connection
            return new Part("kafka", "Kafka broker", State.DOWN, "not reachable at "
                    + String.join(",", kafka.getBootstrapServers()) + ": " + failure(e));
        }
    }

    /** The projection's group's committed offsets against the ends of the order events' partitions. */
    Long lag() {
        try {
            long timeout = board.probeTimeout().toMillis();
            Map<TopicPartition, OffsetAndMetadata> committed = admin().listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get(timeout, TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            admin().describeTopics(List.of(delivery.topics().orderEvents())).allTopicNames()
                    .get(timeout, TimeUnit.MILLISECONDS).values().forEach(description -> description.partitions()
                            .forEach(p -> ends.put(new TopicPartition(description.name(), p.partition()),
                                    OffsetSpec.latest())));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets = admin().listOffsets(ends).all()
                    .get(timeout, TimeUnit.MILLISECONDS);
            long lag = 0;
            for (var entry : offsets.entrySet()) {
                OffsetAndMetadata position = committed.get(entry.getKey());
                lag += Math.max(0, entry.getValue().offset() - (position == null ? 0 : position.offset()));
            }
            return lag;
        } catch (Exception e) {
            log.debug("Consumer lag not available: {}", e.toString());
            return null;
        }
    }

    /** Reads the dead-letter topic on from where it got to, counting its (committed) records. */
    Long countDeadLetters() {
        try {
            if (deadLetterReader == null) {
                Consumer<byte[], byte[]> reader = newDeadLetterReader();
                List<PartitionInfo> infos = reader.partitionsFor(delivery.topics().deadLetters(),
                        board.probeTimeout());
                if (infos == null || infos.isEmpty()) {
                    reader.close();
                    return 0L; // not created yet: nothing dead-lettered
                }
                List<TopicPartition> partitions = infos.stream()
                        .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
                reader.assign(partitions);
                reader.seekToBeginning(partitions);
                deadLetterReader = reader;
                deadLetterCount = 0;
            }
            int read;
            do {
                read = deadLetterReader.poll(Duration.ofMillis(50)).count();
                deadLetterCount += read;
            } while (read > 0);
            return deadLetterCount;
        } catch (RuntimeException e) {
            log.debug("Dead letters not countable: {}", e.toString());
            closeDeadLetterReader();
            return null;
        }
    }

    private Admin admin() {
        if (admin == null) {
            Map<String, Object> config = new HashMap<>();
            config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", kafka.getBootstrapServers()));
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, "delivery-board-probe");
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) board.probeTimeout().toMillis());
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) board.probeTimeout().toMillis());
            config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
            admin = Admin.create(config);
        }
        return admin;
    }

    private Consumer<byte[], byte[]> newDeadLetterReader() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", kafka.getBootstrapServers()));
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "delivery-board-dead-letters");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void closeDeadLetterReader() {
        if (deadLetterReader != null) {
            try {
                deadLetterReader.close(Duration.ofSeconds(1));
            } catch (RuntimeException ignored) {
                // closing a consumer of a broker that is gone
            }
            deadLetterReader = null;
        }
    }

    /** Closes the clients; the next probe opens new ones. */
    void close() {
        closeDeadLetterReader();
        if (admin != null) {
            try {
                admin.close(Duration.ofSeconds(1));
            } catch (RuntimeException ignored) {
                // as above
            }
            admin = null;
        }
    }

    private String failure(Exception e) {
        return ProbeFailures.describe(e, board.probeTimeout());
    }
}
