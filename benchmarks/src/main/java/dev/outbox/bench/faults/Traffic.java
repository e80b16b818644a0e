package dev.outbox.bench.faults;

import dev.outbox.bench.DeliveryCommands;
import dev.outbox.bench.LoadClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What clients do while faults happen: orders placed open loop at a steady rate, and every n-th accepted order taken
 * on through courier, pickup and delivery by a client that retries each command with the same Idempotency-Key
 * until it is accepted (the contract the delivery API offers for exactly this). It records every request's outcome
 * and, from a {@code read_committed} consumer of {@code delivery.status}, when each order reached the end of the
 * pipeline, so the checks afterwards can count what was lost, late or wrong.
 *
 * <p>A little over the usual size: the placing, the courier flows (sent by {@link DeliveryCommands}) and the status
 * consumer share the records they fill, and the rules of what counts as one attempt live with them.
 */
final class Traffic implements AutoCloseable {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    private static final Duration COMMAND_PATIENCE = Duration.ofSeconds(120);

    /** One POST /orders: when it was due, how it ended (0: no answer), and the order id if it was accepted. */
    static final class Attempt {
        final long dueNanos;
        volatile int status = -1;
        volatile String orderId;
        volatile long acceptedNanos;

        Attempt(long dueNanos) {
            this.dueNanos = dueNanos;
        }
    }

    /** What happened during one fault's load. */
    static final class Phase {
        final String name;
        final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
        final LongAdder commandsAccepted = new LongAdder();
        final LongAdder commandTimeouts = new LongAdder();
        final LongAdder commandServerErrors = new LongAdder();
        final LongAdder commandsRejected = new LongAdder();
        final LongAdder flowsIncomplete = new LongAdder();

        Phase(String name) {
            this.name = name;
        }
    }

    private final LoadClient http;
    private final String ordersUrl;
    private final int commandEvery;
    private final DeliveryCommands commands;
    /** Order id → nanoTime of its first record on delivery.status. */
    final Map<String, Long> reachedStatusTopic = new ConcurrentHashMap<>();
    /** Order id → the status its accepted commands imply. */
    final Map<String, String> expectedStatus = new ConcurrentHashMap<>();
    private final AtomicInteger flowsRunning = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    /** A gift message every order from now on carries (OrderPlaced v3), or null for none. */
    private volatile String giftMessage;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread consumerThread;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "traffic-timer");
        t.setDaemon(true);
        return t;
    });

    Traffic(LoadClient http, String orderApiUrl, String deliveryUrl, String bootstrap, String statusTopic,
            int commandEvery) {
        this.http = http;
        this.ordersUrl = orderApiUrl + "/orders";
        this.commandEvery = commandEvery;
        this.commands = new DeliveryCommands(http, deliveryUrl, "faults", "Fault Test", timer);
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.CLIENT_ID_CONFIG, "faults-status-watch"),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(statusTopic, Duration.ofSeconds(60)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        this.consumerThread = new Thread(this::consume, "faults-status-watch");
        consumerThread.setDaemon(true);
        consumerThread.start();
    }

    private void consume() {
        while (running.get()) {
            try {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    reachedStatusTopic.putIfAbsent(record.key(), System.nanoTime());
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                return;
            } catch (RuntimeException e) {
                // the broker fault: the consumer reconnects by itself; keep polling
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
        }
    }

    /** Places orders at {@code rate} per second into {@code phase} while {@code keepGoing} holds. */
    void place(Phase phase, double rate, BooleanSupplier keepGoing) {
        long period = (long) (1e9 / rate);
        long start = System.nanoTime();
        for (long i = 0; keepGoing.getAsBoolean(); i++) {
            long due = start + i * period;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            Attempt attempt = new Attempt(due);
            phase.attempts.add(attempt);
            send(phase, attempt);
        }
    }

    /** From now on every order carries {@code message} as its gift message (null: none). */
    void giftMessage(String message) {
        this.giftMessage = message;
    }

    private void send(Phase phase, Attempt attempt) {
        String gift = giftMessage;
        String body = """
                {"customerId":"faults-%d","lines":[{"sku":"FAULT-1","quantity":1}],\
                "deliveryAddress":{"recipient":"Fault Test","street":"1 Chaos Lane","city":"London",\
                "postalCode":"N1 9GU","country":"GB"}%s}""".formatted(attempt.dueNanos % 100,
                gift == null ? "" : ",\"giftMessage\":\"" + gift + "\"");
        inFlight.incrementAndGet();
        // every order carries its own Idempotency-Key, as a client that may retry sends it
        http.post(ordersUrl, body, Map.of("Idempotency-Key", java.util.UUID.randomUUID().toString()))
                .whenComplete((answer, error) -> {
                    inFlight.decrementAndGet();
                    if (error != null) {
                        attempt.status = 0;
                        return;
                    }
                    attempt.status = answer.status();
                    if (answer.status() != 201) {
                        return;
                    }
                    Matcher id = ID.matcher(answer.body());
                    if (!id.find()) {
                        attempt.status = -2; // 201 without an id: counted as an error
                        return;
                    }
                    attempt.acceptedNanos = System.nanoTime();
                    attempt.orderId = id.group(1);
                    expectedStatus.put(attempt.orderId, "AWAITING_COURIER");
                    if (commandEvery > 0 && Math.floorMod(attempt.orderId.hashCode(), commandEvery) == 0) {
                        startFlow(phase, attempt.orderId);
                    }
                });
    }

    /** Once the order is on delivery.status: courier, pickup, delivery ({@link DeliveryCommands}), counted into the phase. */
    private void startFlow(Phase phase, String orderId) {
        flowsRunning.incrementAndGet();
        long deadline = System.nanoTime() + COMMAND_PATIENCE.toNanos();
        whenVisible(orderId, deadline)
                .thenCompose(v -> commands.takeThrough(orderId, deadline, new DeliveryCommands.Listener() {
                    @Override
                    public void answered(DeliveryCommands.Step step, int status) {
                        if (status == 202) {
                            phase.commandsAccepted.increment();
                        } else if (status == 409) {
                            phase.commandsRejected.increment();
                        } else if (status == 504) {
                            phase.commandTimeouts.increment(); // undecided yet: the same key learns the outcome
                        } else if (status >= 500 && status != 503) {
                            phase.commandServerErrors.increment();
                        }
                    }

                    @Override
                    public void accepted(String id, DeliveryCommands.Step step, long nanos) {
                        expectedStatus.put(id, step.statusAfter);
                    }
                }))
                .whenComplete((allAccepted, error) -> {
                    if (error != null || !allAccepted) {
                        phase.flowsIncomplete.increment();
                    }
                    flowsRunning.decrementAndGet();
                });
    }

    private CompletableFuture<Void> whenVisible(String orderId, long deadline) {
        CompletableFuture<Void> visible = new CompletableFuture<>();
        Runnable check = new Runnable() {
            @Override
            public void run() {
                if (reachedStatusTopic.containsKey(orderId)) {
                    visible.complete(null);
                } else if (System.nanoTime() > deadline) {
                    visible.completeExceptionally(new IllegalStateException(orderId + " never reached delivery.status"));
                } else {
                    timer.schedule(this, 100, TimeUnit.MILLISECONDS);
                }
            }
        };
        check.run();
        return visible;
    }

    /** Waits until every request has answered and every command flow has ended; false on timeout. */
    boolean awaitQuiet(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (inFlight.get() == 0 && flowsRunning.get() == 0) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** Waits until every order accepted so far has reached delivery.status; returns how many have not. */
    long awaitAllOnStatusTopic(List<Phase> phases, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long missing;
        do {
            missing = phases.stream().flatMap(p -> snapshot(p).stream())
                    .filter(a -> a.orderId != null && !reachedStatusTopic.containsKey(a.orderId)).count();
            if (missing == 0) {
                return 0;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return missing;
    }

    static List<Attempt> snapshot(Phase phase) {
        synchronized (phase.attempts) {
            return List.copyOf(phase.attempts);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        consumer.wakeup();
        consumerThread.join(5_000);
        consumer.close(Duration.ofSeconds(5));
        timer.shutdownNow();
    }
}
