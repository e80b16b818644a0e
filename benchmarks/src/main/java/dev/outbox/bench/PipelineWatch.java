package dev.outbox.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Follows accepted orders to the far end of the pipeline, two ways:
 * <ul>
 *   <li>every order until its first record on {@code delivery.status}, through a {@code read_committed} consumer
 *       (so only what the Streams transaction committed counts);</li>
 *   <li>a sample of orders until {@code GET /deliveries/{id}} answers 200 (interactive queries read the store, so
 *       this is what a client sees), polled every few milliseconds.</li>
 * </ul>
 * It also reads the projection's consumer lag on {@code order.events}.
 */
final class PipelineWatch implements AutoCloseable {

    /** An accepted order the watch waits for, and what to do once it is on delivery.status (null: nothing). */
    record Pending(long acceptedNanos, StepStats step, Runnable onStatus) {

        /** Records the order's arrival at {@code nanos}; runs its follow-up, which must not hold up the consumer. */
        void reached(long nanos) {
            step.statusLatency.recordNanos(nanos - acceptedNanos);
            if (onStatus != null) {
                try {
                    onStatus.run();
                } catch (RuntimeException e) {
                    // the rest of the poll's records must still be counted
                    System.err.println("status watch: follow-up failed: " + e);
                }
            }
        }
    }

    /**
     * How long a status record of an order not (yet) awaited is kept: far longer than a 201 can take to be read
     * after its record arrived, short enough that the records of orders placed long ago (the soak's delivery
     * commands put three more per order on the topic) or by other clients do not pile up.
     */
    private static final long EARLY_ARRIVAL_TTL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Map<String, Pending> awaitingStatus = new ConcurrentHashMap<>();
    /** Status records that arrived before the client had read the 201 (a race the pipeline can win). */
    private final Map<String, Long> earlyArrivals = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread consumerThread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Admin admin;
    private final String ordersTopic;
    private final String streamsGroup;
    private final LoadClient http;
    private final String deliveryUrl;
    private final long pollNanos;
    private final ScheduledExecutorService probes = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "view-probe");
        t.setDaemon(true);
        return t;
    });

    PipelineWatch(BenchmarkOptions options, LoadClient http) {
        this.http = http;
        this.deliveryUrl = options.deliveryUrl();
        this.pollNanos = TimeUnit.MILLISECONDS.toNanos(options.viewPollMillis());
        this.ordersTopic = options.ordersTopic();
        this.streamsGroup = options.streamsGroup();
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrap()));
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "benchmark-status-watch",
                // as delivery-streams' outputs feed: an empty fetch waits at most 100 ms, not the default 500
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(options.statusTopic(), Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end offsets now, before any order is placed
        this.consumerThread = new Thread(this::consume, "status-watch");
        consumerThread.setDaemon(true);
        consumerThread.start();
    }

    /** Called when an order is accepted (201): from now on its status record and (if sampled) its view are awaited. */
    void accepted(String orderId, long acceptedNanos, StepStats step, boolean probeView) {
        accepted(orderId, acceptedNanos, step, probeView, null);
    }

    /** As {@link #accepted(String, long, StepStats, boolean)}, and runs {@code onStatus} once the order is on the topic. */
    void accepted(String orderId, long acceptedNanos, StepStats step, boolean probeView, Runnable onStatus) {
        Pending pending = new Pending(acceptedNanos, step, onStatus);
        awaitingStatus.put(orderId, pending);
        Long early = earlyArrivals.remove(orderId);
        if (early != null && awaitingStatus.remove(orderId, pending)) {
            pending.reached(early);
        }
        if (probeView) {
            step.viewProbesStarted.incrementAndGet();
            probeView(orderId, acceptedNanos, step, acceptedNanos + TimeUnit.SECONDS.toNanos(30));
        }
    }

    private void consume() {
        long pruned = System.nanoTime();
        while (running.get()) {
            try {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    Pending pending = awaitingStatus.remove(record.key());
                    if (pending == null) {
                        earlyArrivals.put(record.key(), now);
                        pending = awaitingStatus.remove(record.key());
                        if (pending == null) {
                            continue;
                        }
                        earlyArrivals.remove(record.key());
                    }
                    pending.reached(now);
                }
                long polled = System.nanoTime();
                if (polled - pruned > TimeUnit.SECONDS.toNanos(10)) {
                    earlyArrivals.values().removeIf(arrived -> polled - arrived > EARLY_ARRIVAL_TTL_NANOS);
                    pruned = polled;
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                return;
            } catch (RuntimeException e) {
                System.err.println("status watch: " + e);
            }
        }
    }

    private void probeView(String orderId, long acceptedNanos, StepStats step, long deadline) {
        http.get(deliveryUrl + "/deliveries/" + orderId).whenComplete((response, error) -> {
            long now = System.nanoTime();
            if (response != null && response.status() == 200) {
                step.viewLatency.recordNanos(now - acceptedNanos);
            } else if (now > deadline) {
                step.viewNeverSeen.incrementAndGet();
            } else {
                // every --view-poll at first, then a twentieth of the probe's age: the figure stays within 5 % of
                // the truth, and a pipeline that falls behind is not flooded with probes (which polled at a fixed
                // 2 ms took a core of delivery-streams' CPU and kept it behind)
                long interval = Math.max(pollNanos, (now - acceptedNanos) / 20);
                probes.schedule(() -> probeView(orderId, acceptedNanos, step, deadline), interval, TimeUnit.NANOSECONDS);
            }
        });
    }

    /** How many accepted orders of {@code step} have not reached {@code delivery.status} yet. */
    long outstanding(StepStats step) {
        return awaitingStatus.values().stream().filter(p -> p.step() == step).count();
    }

    /** Waits until every accepted order of the step is on the status topic and every view probe ended. */
    void drain(StepStats step, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && (outstanding(step) > 0
                || step.viewLatency.count() + step.viewNeverSeen.get() < step.viewProbesStarted.get())) {
            Thread.sleep(50);
        }
        step.undelivered = outstanding(step);
        awaitingStatus.values().removeIf(p -> p.step() == step);
    }

    /** Records of {@code order.events} the projection has not committed yet (summed over partitions); -1 if unknown. */
    long projectionLag() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(streamsGroup)
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                    .filter(tp -> tp.topic().equals(ordersTopic))
                    .collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.latest()));
            if (latest.isEmpty()) {
                return -1;
            }
            var ends = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(5, TimeUnit.SECONDS);
            return latest.keySet().stream()
                    .mapToLong(tp -> Math.max(0, ends.get(tp).offset() - committed.get(tp).offset())).sum();
        } catch (Exception e) {
            return -1;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        consumer.wakeup();
        consumerThread.join(5_000);
        consumer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
        probes.shutdownNow();
    }
}
