package dev.outbox.delivery.feed;

import dev.outbox.delivery.command.PendingCommands;
import dev.outbox.delivery.config.DeliveryProperties;
import dev.outbox.delivery.config.KafkaStreamsConfig;
import dev.outbox.delivery.query.StatusChanges;
import dev.outbox.events.delivery.DeliveryCommandResult;
import dev.outbox.events.delivery.DeliveryStatusChanged;
import dev.outbox.serde.AvroSerdeConfig;
import dev.outbox.serde.KafkaAvroDeserializer;
import dev.outbox.serde.SchemaRegistryClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Reads the topology's outputs that HTTP callers wait for, on every instance: command results (to answer the command
 * requests this instance sent, whichever instance decided them) and status changes (for the SSE streams).
 *
 * <p>A plain consumer, no consumer group: every instance must see every partition, and nothing needs committing,
 * since only what happens after start-up matters (it seeks to the end first). {@code read_committed}, so only results
 * of committed transactions are seen, exactly as other consumers see them. It runs on its own thread, never on the
 * event loop.
 */
@Component
public class DeliveryOutputsFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveryOutputsFeed.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);

    private final Map<String, Object> consumerConfig;
    private final List<String> topics;
    private final String resultsTopic;
    private final String statusTopic;
    private final KafkaAvroDeserializer deserializer;
    private final PendingCommands pendingCommands;
    private final StatusChanges statusChanges;
    private final MeterRegistry meterRegistry;

    private volatile boolean running;
    private volatile boolean ready;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    public DeliveryOutputsFeed(KafkaProperties kafka, DeliveryProperties properties, SchemaRegistryClient registry,
                               PendingCommands pendingCommands, StatusChanges statusChanges,
                               MeterRegistry meterRegistry) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", kafka.getBootstrapServers()));
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "delivery-outputs-feed");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // results are waited for by HTTP callers: don't let an empty fetch sit at the broker for the default 500 ms
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        this.consumerConfig = config;
        this.resultsTopic = properties.topics().commandResults();
        this.statusTopic = properties.topics().status();
        this.topics = List.of(resultsTopic, statusTopic);
        this.deserializer = new KafkaAvroDeserializer(registry,
                Map.of(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true), false);
        this.pendingCommands = pendingCommands;
        this.statusChanges = statusChanges;
        this.meterRegistry = meterRegistry;
    }

    /** True once every partition is assigned and positioned at its end: from then on no result is missed. */
    public boolean isReady() {
        return ready;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "delivery-outputs-feed");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the web server has drained its requests (some of them wait for results from here). */
    @Override
    public int getPhase() {
        return KafkaStreamsConfig.STREAMS_PHASE;
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                new ByteArrayDeserializer());
             KafkaClientMetrics metrics = new KafkaClientMetrics(c, Tags.of("spring.id", "deliveryOutputsFeed"))) {
            consumer = c;
            metrics.bindTo(meterRegistry);
            while (running && !ready) {
                ready = tryAssign(c);
                if (!ready) {
                    sleep(RETRY_BACKOFF);
                }
            }
            while (running) {
                for (ConsumerRecord<String, byte[]> record : c.poll(POLL_TIMEOUT)) {
                    dispatch(record);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("Outputs feed woken up unexpectedly", e);
            }
        } catch (RuntimeException e) {
            log.error("Outputs feed stopped: command requests will time out and SSE streams go quiet", e);
        } finally {
            ready = false;
            consumer = null;
        }
    }

    private boolean tryAssign(KafkaConsumer<String, byte[]> c) {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(5));
                if (infos == null || infos.isEmpty()) {
                    log.info("Waiting for topic {} to exist", topic);
                    return false;
                }
                infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
            c.assign(partitions);
            c.seekToEnd(partitions);
            // resolve the end offsets now: a command sent after this cannot have its result skipped
            partitions.forEach(tp -> c.position(tp, Duration.ofSeconds(10)));
            log.info("Outputs feed reading {} partitions from their end", partitions.size());
            return true;
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            log.warn("Outputs feed cannot assign its partitions yet: {}", e.toString());
            return false;
        }
    }

    private void dispatch(ConsumerRecord<String, byte[]> record) {
        Object value;
        try {
            value = deserializer.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            log.warn("Skipping undecodable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.toString());
            return;
        }
        if (value instanceof DeliveryCommandResult result) {
            pendingCommands.complete(result);
        } else if (value instanceof DeliveryStatusChanged change) {
            statusChanges.publish(change);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
