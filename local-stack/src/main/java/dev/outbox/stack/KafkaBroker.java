package dev.outbox.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Kafka in KRaft mode from the Maven Central jars: one node (broker and controller in one process), or with
 * {@code STACK_KAFKA_BROKERS=3} a cluster of three such nodes, a quorum of three controllers and replication factor 3
 * with {@code min.insync.replicas=2}, so that any one node can die without losing a write or stopping the pipeline.
 */
public final class KafkaBroker {

    private KafkaBroker() {
    }

    /** The process name of node {@code n} (from 1): {@code kafka}, {@code kafka-2}, {@code kafka-3}. */
    public static String name(int n) {
        return n == 1 ? "kafka" : "kafka-" + n;
    }

    /** Starts the single node, or node 1 of the cluster; see {@link #start(StackSettings, int, Supervised.Listener)}. */
    public static Supervised start(StackSettings s, Supervised.Listener listener) throws IOException, InterruptedException {
        return start(s, 1, listener);
    }

    /**
     * Starts node {@code n} and waits until it serves. A node of a cluster is ready only once a majority of the
     * controllers runs, so the nodes of a cluster are started side by side.
     */
    public static Supervised start(StackSettings s, int n, Supervised.Listener listener) throws IOException, InterruptedException {
        boolean cluster = s.kafkaBrokers() > 1;
        Path dir = s.stateDir().resolve(name(n));
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Path config = dir.resolve("server.properties");
        String quorum = cluster
                ? "controller.quorum.voters=" + java.util.stream.IntStream.rangeClosed(1, s.kafkaBrokers())
                        .mapToObj(i -> i + "@" + s.host() + ":" + s.kafkaControllerPort(i))
                        .collect(java.util.stream.Collectors.joining(","))
                : "controller.quorum.bootstrap.servers=" + s.host() + ":" + s.kafkaControllerPort(1);
        int rf = s.kafkaReplicationFactor();
        int minIsr = s.kafkaMinInsyncReplicas();
        Files.writeString(config, """
                process.roles=broker,controller
                node.id=%5$d
                %6$s
                listeners=PLAINTEXT://%1$s:%2$d,CONTROLLER://%1$s:%3$d
                advertised.listeners=PLAINTEXT://%1$s:%2$d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
                log.dirs=%4$s
                num.partitions=3
                # topics are created on purpose (by Connect, Debezium and the apps), never by a typo
                auto.create.topics.enable=false
                # one copy on a single node; on a cluster three, of which two must have a write before it counts
                default.replication.factor=%7$d
                min.insync.replicas=%8$d
                offsets.topic.replication.factor=%7$d
                offsets.topic.num.partitions=10
                transaction.state.log.replication.factor=%7$d
                transaction.state.log.min.isr=%8$d
                transaction.state.log.num.partitions=10
                share.coordinator.state.topic.replication.factor=%7$d
                share.coordinator.state.topic.min.isr=%8$d
                group.initial.rebalance.delay.ms=0
                # a crashed transactional producer's open transaction holds back read_committed readers until the
                # broker aborts it; a Streams instance taking over a dead one's tasks restores through such a reader,
                # so look for expired transactions every second instead of every 10 s (failover 10 s -> ~1 s)
                transaction.abort.timed.out.transaction.cleanup.interval.ms=1000
                # Streams groups on the KIP-1071 protocol (group.protocol=streams) take these from the broker, not
                # from the app: the values delivery-streams sets itself on the classic protocol (one standby replica,
                # 10 s session, 2 s heartbeat), and no initial delay (defaults: 0 standbys, 45 s, 5 s, 3 s)
                group.streams.num.standby.replicas=1
                group.streams.min.session.timeout.ms=10000
                group.streams.session.timeout.ms=10000
                group.streams.min.heartbeat.interval.ms=2000
                group.streams.heartbeat.interval.ms=2000
                group.streams.initial.rebalance.delay.ms=0
                # since Kafka 4.3 the broker batches assignment work for up to this long (default 1 s); a group of
                # two instances has nothing to batch, and each rebalance would wait for it
                group.streams.assignment.interval.ms=0
                # warm-up tasks (Kafka 4.4, default 2 per group): a task moves to a newcomer once its copy is within
                # the acceptable lag, which the broker learns from the offsets members report at this interval
                # (default 60 s, the broker's minimum 15 s)
                group.streams.task.offset.interval.ms=15000
                # a small machine: fewer threads, fewer context switches (defaults: 3 and 8)
                num.network.threads=2
                num.io.threads=4
                # growth: a topic that is not compacted keeps a week (order.events can be replayed a week back; the
                # delivery topics are read as they come), in segments of 128 MB or a day, so that expiry frees space
                # in steps and nothing stays much longer than the week
                log.retention.hours=168
                log.segment.bytes=134217728
                log.roll.hours=24
                """.formatted(s.host(), s.kafkaBrokerPort(n), s.kafkaControllerPort(n), data, n, quorum, rf, minIsr));
        String classpath = Connect.classpath(s);
        List<String> jvm = List.of("-Xms256m", "-Xmx768m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
                "-Djava.awt.headless=true", "-Dlog4j2.configurationFile=" + log4j(s, name(n)));
        if (!Files.exists(data.resolve("meta.properties"))) {
            Path log = s.logs().resolve(name(n) + "-format.log");
            // a single node is its own quorum; a cluster's quorum is the static voter list in the configuration
            List<String> format = new java.util.ArrayList<>(List.of("format", "-t", clusterId(s), "-c", config.toString()));
            if (!cluster) {
                format.add("--standalone");
            }
            Process formatting = new ProcessBuilder(Supervised.java(jvm, classpath, "kafka.tools.StorageTool",
                    format.toArray(String[]::new)))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!formatting.waitFor(120, TimeUnit.SECONDS) || formatting.exitValue() != 0) {
                throw new StackException("kafka storage format failed; see " + log + "\n" + Supervised.tail(log, 15));
            }
        }
        Supervised broker = Supervised.start(name(n), Supervised.java(jvm, classpath, "kafka.Kafka",
                config.toString()), Map.of(), dir, s, listener);
        // a node restarted after a crash first recovers its logs: give it longer than a clean start needs
        broker.awaitReady(Duration.ofSeconds(180), () -> broker.logged("Kafka Server started"));
        return broker;
    }

    /** The cluster's id, made on the first start and kept in the state directory: every node is formatted with it. */
    static synchronized String clusterId(StackSettings s) throws IOException {
        Path file = s.stateDir().resolve("kafka-cluster-id");
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        String id = clusterId();
        Files.createDirectories(file.getParent());
        Files.writeString(file, id);
        return id;
    }

    /** A random cluster id in Kafka's format: 16 random bytes, URL-safe base64 without padding, not starting with '-'. */
    static String clusterId() {
        SecureRandom random = new SecureRandom();
        byte[] bytes = new byte[16];
        String id;
        do {
            random.nextBytes(bytes);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } while (id.startsWith("-"));
        return id;
    }

    /**
     * The log4j2 configuration of a Kafka process: its own log file, rolled over by size ({@link LogLimits}), with
     * Kafka's chattiest loggers at WARN.
     */
    static Path log4j(StackSettings s, String name) throws IOException {
        Path file = s.stateDir().resolve(name).resolve("log4j2.properties");
        Files.createDirectories(file.getParent());
        Files.writeString(file, LogLimits.fromEnvironment().log4j2(s.logs().resolve(name + ".log")) + """
                logger.kafka.name = kafka
                logger.kafka.level = WARN
                logger.controller.name = org.apache.kafka.controller
                logger.controller.level = WARN
                logger.state.name = state.change.logger
                logger.state.level = WARN
                logger.started.name = kafka.server.KafkaRaftServer
                logger.started.level = INFO
                logger.reflections.name = org.reflections
                logger.reflections.level = ERROR
                """);
        return file;
    }
}
