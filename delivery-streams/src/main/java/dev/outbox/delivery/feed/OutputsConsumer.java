package dev.outbox.delivery.feed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * The consumer the {@link DeliveryOutputsFeed} reads with: a plain consumer, no consumer group (every instance must
 * see every partition, and nothing needs committing, since only what happens after start-up matters),
 * {@code read_committed} (only results of committed transactions, exactly as other consumers see them), assigned
 * every partition of its topics and positioned at their ends.
 */
final class OutputsConsumer {

    private static final Logger log = LoggerFactory.getLogger(OutputsConsumer.class);

    private OutputsConsumer() {
    }

    /** Makes a new consumer for every session of the feed. */
    static Supplier<Consumer<String, byte[]>> factory(KafkaProperties kafka) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", kafka.getBootstrapServers()));
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "delivery-outputs-feed");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // results are waited for by HTTP callers: don't let an empty fetch sit at the broker for the default 500 ms
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        return () -> new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Assigns every partition of the topics and resolves their end offsets, so a command sent after this cannot have
     * its result skipped. False when that is not possible yet (a topic missing, the broker not answering).
     */
    static boolean assignAtEnd(Consumer<String, byte[]> consumer, List<String> topics) {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
                if (infos == null || infos.isEmpty()) {
                    log.info("Waiting for topic {} to exist", topic);
                    return false;
                }
                infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            // resolve the end offsets now: a command sent after this cannot have its result skipped
            partitions.forEach(tp -> consumer.position(tp, Duration.ofSeconds(10)));
            log.info("Outputs feed reading {} partitions from their end", partitions.size());
            return true;
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            log.warn("Outputs feed cannot assign its partitions yet: {}", e.toString());
            return false;
        }
    }
}
