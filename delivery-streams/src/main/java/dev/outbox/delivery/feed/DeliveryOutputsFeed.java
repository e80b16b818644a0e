package dev.outbox.delivery.feed;

import dev.outbox.delivery.command.PendingCommands;
import dev.outbox.delivery.platform.DeliveryProperties;
import dev.outbox.delivery.projection.KafkaStreamsConfig;
import dev.outbox.delivery.projection.OutputHeaders;
import dev.outbox.delivery.platform.Problems;
import dev.outbox.events.delivery.DeliveryCommandResult;
import dev.outbox.events.delivery.DeliveryStatusChanged;
import dev.outbox.serde.AvroSerdeConfig;
import dev.outbox.serde.KafkaAvroDeserializer;
import dev.outbox.serde.SchemaRegistryClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
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
import org.springframework.beans.factory.annotation.Autowired;
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
 *
 * <p>When reading fails (the broker is gone, a fatal consumer error, anything thrown), the feed closes its consumer
 * and starts over with a new one after a backoff: 1 s, doubling up to {@value #MAX_BACKOFF_SECONDS} s while the
 * failures follow one another. Meanwhile it is not ready, so command requests answer 503 instead of waiting for
 * results that cannot be seen; when it reads again it starts at the end, so results decided in between are missed
 * (their callers got 504). {@link #status()} says where it stands, for the health endpoint.
 */
@Component
public class DeliveryOutputsFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveryOutputsFeed.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
    private static final long MAX_BACKOFF_SECONDS = 30;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(MAX_BACKOFF_SECONDS);

    /** Where the feed stands. */
    public enum State {
        /** Not started, or stopped. */
        STOPPED,
        /** Started, not yet reading all its partitions. */
        STARTING,
        /** Reading: command results and status changes are seen. */
        READING,
        /** Reading failed; it starts over after a backoff. */
        RESTARTING,
        /** Its thread ended with an error it cannot restart from (a JVM error); the instance needs a restart. */
        FAILED
    }

    /**
     * @param failures      failures in a row (a session that read for longer than the longest backoff ends a row)
     * @param restarts      restarts since the instance started
     * @param lastError     the last failure, or null
     * @param lastFailureAt when it happened, or null
     * @param nextAttemptAt when it starts over (while RESTARTING), or null
     */
    public record Status(State state, int failures, int restarts, String lastError, Instant lastFailureAt,
                         Instant nextAttemptAt) {
    }

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final Duration retryBackoff;
    private final List<String> topics;
    private final String resultsTopic;
    private final String statusTopic;
    private final KafkaAvroDeserializer deserializer;
    private final PendingCommands pendingCommands;
    private final StatusChanges statusChanges;
    private final MeterRegistry meterRegistry;

    private volatile boolean running;
    private volatile boolean ready;
    private volatile Consumer<String, byte[]> consumer;
    private volatile CountDownLatch stopping = new CountDownLatch(0);
    private volatile Status status = new Status(State.STOPPED, 0, 0, null, null, null);
    private Thread thread;

    @Autowired
    public DeliveryOutputsFeed(KafkaProperties kafka, DeliveryProperties properties, SchemaRegistryClient registry,
                               PendingCommands pendingCommands, StatusChanges statusChanges,
                               MeterRegistry meterRegistry) {
        this(consumerFactory(kafka), properties.topics().commandResults(), properties.topics().status(), registry,
                pendingCommands, statusChanges, meterRegistry, RETRY_BACKOFF);
    }

    /**
     * @param consumers    makes the consumer the feed reads with (a new one for every start)
     * @param retryBackoff wait between attempts to assign the partitions
     */
    DeliveryOutputsFeed(Supplier<Consumer<String, byte[]>> consumers, String resultsTopic, String statusTopic,
                        SchemaRegistryClient registry, PendingCommands pendingCommands, StatusChanges statusChanges,
                        MeterRegistry meterRegistry, Duration retryBackoff) {
        this.consumers = consumers;
        this.retryBackoff = retryBackoff;
        this.resultsTopic = resultsTopic;
        this.statusTopic = statusTopic;
        this.topics = List.of(resultsTopic, statusTopic);
        this.deserializer = new KafkaAvroDeserializer(registry,
                Map.of(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true), false);
        this.pendingCommands = pendingCommands;
        this.statusChanges = statusChanges;
        this.meterRegistry = meterRegistry;
    }

    private static Supplier<Consumer<String, byte[]>> consumerFactory(KafkaProperties kafka) {
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

    /** True once every partition is assigned and positioned at its end: from then on no result is missed. */
    public boolean isReady() {
        return ready;
    }

    public Status status() {
        return status;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        stopping = new CountDownLatch(1);
        status = new Status(State.STARTING, 0, status.restarts(), status.lastError(), status.lastFailureAt(), null);
        thread = new Thread(this::run, "delivery-outputs-feed");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        stopping.countDown();
        Consumer<String, byte[]> c = consumer;
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

    /** Reads until stopped; a failure closes the consumer and, after a backoff, starts over with a new one. */
    private void run() {
        try {
            while (running) {
                readUntilStoppedOrFailed();
                if (running) {
                    pause(backoffAfter(status.failures()));
                }
            }
            status = withState(State.STOPPED);
        } catch (Error e) {
            log.error("Outputs feed thread ended: command requests are refused until the instance is restarted", e);
            Status s = status;
            status = new Status(State.FAILED, s.failures() + 1, s.restarts(), e.toString(), Instant.now(), null);
            throw e;
        }
    }

    /** One session with one consumer: assign, seek to the end, read. Returns when stopped, or after a failure. */
    private void readUntilStoppedOrFailed() {
        long readingSince = -1;
        try (Consumer<String, byte[]> c = consumers.get();
             KafkaClientMetrics metrics = new KafkaClientMetrics(c, Tags.of("spring.id", "deliveryOutputsFeed"))) {
            consumer = c;
            metrics.bindTo(meterRegistry);
            while (running && !ready) {
                ready = tryAssign(c);
                if (!ready) {
                    pause(retryBackoff);
                }
            }
            if (ready) {
                readingSince = System.nanoTime();
                status = withState(State.READING);
            }
            while (running) {
                for (ConsumerRecord<String, byte[]> record : c.poll(POLL_TIMEOUT)) {
                    dispatch(record);
                }
            }
        } catch (RuntimeException e) { // WakeupException included: when not stopping, a failure like any other
            if (running) {
                failed(e, readingSince);
            }
        } finally {
            ready = false;
            consumer = null;
        }
    }

    private void failed(RuntimeException e, long readingSince) {
        Status s = status;
        // failures in a row: a session that read for longer than the longest backoff starts the count again
        boolean readLong = readingSince >= 0 && System.nanoTime() - readingSince >= MAX_BACKOFF.toNanos();
        int failures = (readLong ? 0 : s.failures()) + 1;
        Duration backoff = backoffAfter(failures);
        Instant now = Instant.now();
        status = new Status(State.RESTARTING, failures, s.restarts() + 1, e.toString(), now, now.plus(backoff));
        log.error("Outputs feed failed ({} in a row); starting over in {} ms. Until then command requests are "
                + "refused (503) and SSE streams get no changes", failures, backoff.toMillis(), e);
    }

    /** 1 s (the retry backoff), 2 s, 4 s ... up to the maximum. */
    private Duration backoffAfter(int failures) {
        long factor = 1L << Math.min(Math.max(failures - 1, 0), 20);
        Duration backoff = retryBackoff.multipliedBy(factor);
        return backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
    }

    private Status withState(State state) {
        Status s = status;
        return new Status(state, s.failures(), s.restarts(), s.lastError(), s.lastFailureAt(), null);
    }

    private boolean tryAssign(Consumer<String, byte[]> c) {
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
            if (record.headers().lastHeader(OutputHeaders.COMMAND_ID_REUSED) != null) {
                pendingCommands.fail(result.getCommandId(), Problems.idempotencyKeyReused(
                        result.getOrderId().toString(), result.getCommandId().toString()));
            } else {
                pendingCommands.complete(result);
            }
        } else if (value instanceof DeliveryStatusChanged change) {
            statusChanges.publish(change);
        }
    }

    /** Waits, unless stopped meanwhile. */
    private void pause(Duration duration) {
        try {
            stopping.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
