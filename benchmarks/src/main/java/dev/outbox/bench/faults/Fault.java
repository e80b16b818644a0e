package dev.outbox.bench.faults;

import dev.outbox.stack.Stack;
import dev.outbox.stack.Stack.Part;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The faults the harness injects, each while orders flow. A kill is {@code kill -9}: no shutdown hook, no flush,
 * no leaving the group, exactly what a crash or the OOM killer does. Each fault ends by bringing the part back the
 * way a supervisor would, and the harness then checks what the clients and the pipeline made of it.
 */
enum Fault {

    CONNECT("kill -9 of the Connect worker 0.5 s after it stored its source offsets, restarted after 5 s") {
        @Override
        void inject(Stack stack) throws InterruptedException {
            // half-way between two offset flushes (every second): the events of that half second were published but
            // their binlog position not stored, so the restarted task sends them again, as after any real crash
            long flushedAt = awaitOffsetFlush(stack.settings().kafkaBootstrap());
            Thread.sleep(Math.max(0, flushedAt + 500 - System.currentTimeMillis()));
            killAndRestart(stack, Part.CONNECT, 5_000);
        }
    },
    DELIVERY("kill -9 of one of two delivery-streams instances, restarted after 20 s (past the session timeout,"
            + " so the other one becomes the owner)") {
        @Override
        void inject(Stack stack) throws InterruptedException {
            killAndRestart(stack, Part.DELIVERY, 20_000);
        }
    },
    ORDER_API("kill -9 of one of two order-api instances with requests in flight, restarted at once") {
        @Override
        void inject(Stack stack) throws InterruptedException {
            killAndRestart(stack, Part.ORDER_API, 0);
        }
    },
    MARIADB("kill -9 of MariaDB, restarted after 5 s (InnoDB crash recovery)") {
        @Override
        void inject(Stack stack) throws InterruptedException {
            killAndRestart(stack, Part.MARIADB, 5_000);
        }
    },
    BROKER("Kafka broker restart (clean stop, then start); on the 3-broker cluster kill -9 of one broker,"
            + " restarted after 5 s") {
        @Override
        void inject(Stack stack) throws InterruptedException {
            if (stack.settings().kafkaBrokers() > 1) {
                stack.killKafkaNode(2);
                Thread.sleep(5_000);
                stack.restartKafkaNode(2);
            } else {
                stack.stop(Part.KAFKA);
                stack.restart(Part.KAFKA);
            }
        }
    },
    REGISTRY("schema registry down for 30 s") {
        @Override
        void inject(Stack stack) throws InterruptedException {
            stack.stop(Part.REGISTRY);
            Thread.sleep(30_000);
            stack.restart(Part.REGISTRY);
        }
    },

    // a deploy: each part restarted cleanly (TERM, then started again), one instance at a time

    ORDER_API_ROLLING("rolling restart of order-api: each instance in turn stopped (it drains, then finishes what it"
            + " accepted) and started again (warm before it is ready)", true) {
        @Override
        void inject(Stack stack) {
            stack.restartRunning("order-api");
            stack.restartRunning("order-api-2");
        }
    },
    DELIVERY_ROLLING("rolling restart of delivery-streams: each instance in turn stopped (it drains and leaves the"
            + " group) and started again", true) {
        @Override
        void inject(Stack stack) {
            stack.restartRunning("delivery");
            stack.restartRunning("delivery-2");
        }
    },
    CONNECT_RESTART("Kafka Connect stopped (TERM: it stores its offsets) and started again", true) {
        @Override
        void inject(Stack stack) {
            stack.restart(Part.CONNECT);
        }
    },
    REGISTRY_RESTART("schema registry stopped and started again", true) {
        @Override
        void inject(Stack stack) {
            stack.restart(Part.REGISTRY);
        }
    },
    BROKER_ROLLING("rolling restart of Kafka: on the 3-broker cluster each broker in turn stopped cleanly and started"
            + " again; a single broker is one clean restart, an outage of Kafka while it lasts", true) {
        @Override
        void inject(Stack stack) {
            if (stack.settings().kafkaBrokers() > 1) {
                for (int n = stack.settings().kafkaBrokers(); n >= 1; n--) {
                    stack.restartKafkaNodeCleanly(n);
                }
            } else {
                stack.restart(Part.KAFKA);
            }
        }
    };

    final String description;
    /** Part of a deploy ({@code ./stack deploy-drill}): a clean restart, not a crash. */
    final boolean rolling;

    private static void killAndRestart(Stack stack, Part part, long downMillis) throws InterruptedException {
        stack.kill(part);
        Thread.sleep(downMillis);
        stack.restart(part);
    }

    /**
     * Waits for the Connect worker's next write to its offsets topic (at most 10 s) and returns when it was written
     * (the record's timestamp, epoch ms): timing the kill from the write rather than from when this consumer saw it
     * keeps the window of unflushed events near half the flush interval however busy the machine is.
     */
    static long awaitOffsetFlush(String bootstrap) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, "faults-offset-watch"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(CONNECT_OFFSETS, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(20))) {
                    // one seen too late to kill half-way to the next flush is skipped: the next one will do
                    if (System.currentTimeMillis() - record.timestamp() < 400) {
                        return record.timestamp();
                    }
                }
            }
            return System.currentTimeMillis();
        }
    }

    /** The worker's {@code offset.storage.topic} in the local stack. */
    private static final String CONNECT_OFFSETS = "_connect-offsets";

    Fault(String description) {
        this(description, false);
    }

    Fault(String description, boolean rolling) {
        this.description = description;
        this.rolling = rolling;
    }

    /** Breaks the part and brings it back; returns once the part is ready again. */
    abstract void inject(Stack stack) throws InterruptedException;

    String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** "all" (the crashes), "rolling" (a deploy) or ids separated by commas: "connect,delivery,mariadb". */
    static Set<Fault> parse(String csv) {
        if (csv.equals("all") || csv.equals("rolling")) {
            boolean rolling = csv.equals("rolling");
            return Stream.of(values()).filter(f -> f.rolling == rolling)
                    .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        }
        return Stream.of(csv.split(",")).map(String::trim).map(id -> Stream.of(values())
                        .filter(f -> f.id().equals(id)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("unknown fault '" + id + "'; faults: "
                                + Stream.of(values()).map(Fault::id).collect(Collectors.joining(", ")))))
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new)); // in the order given
    }
}
