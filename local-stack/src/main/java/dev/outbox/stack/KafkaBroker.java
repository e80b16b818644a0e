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

/** A single Kafka node in KRaft mode (broker and controller in one process), from the Maven Central jars. */
public final class KafkaBroker {

    private KafkaBroker() {
    }

    public static Supervised start(StackSettings s, Supervised.Listener listener) throws IOException, InterruptedException {
        Path dir = s.stateDir().resolve("kafka");
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Path config = dir.resolve("server.properties");
        Files.writeString(config, """
                process.roles=broker,controller
                node.id=1
                controller.quorum.bootstrap.servers=%1$s:%3$d
                listeners=PLAINTEXT://%1$s:%2$d,CONTROLLER://%1$s:%3$d
                advertised.listeners=PLAINTEXT://%1$s:%2$d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
                log.dirs=%4$s
                num.partitions=3
                # topics are created on purpose (by Connect, Debezium and the apps), never by a typo
                auto.create.topics.enable=false
                offsets.topic.replication.factor=1
                offsets.topic.num.partitions=10
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                transaction.state.log.num.partitions=10
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                # Streams groups on the KIP-1071 protocol (group.protocol=streams) take these from the broker, not
                # from the app: the values delivery-streams sets itself on the classic protocol (one standby replica,
                # 10 s session, 2 s heartbeat), and no initial delay (defaults: 0 standbys, 45 s, 5 s, 3 s)
                group.streams.num.standby.replicas=1
                group.streams.min.session.timeout.ms=10000
                group.streams.session.timeout.ms=10000
                group.streams.min.heartbeat.interval.ms=2000
                group.streams.heartbeat.interval.ms=2000
                group.streams.initial.rebalance.delay.ms=0
                # one broker on a small machine: fewer threads, fewer context switches (defaults: 3 and 8)
                num.network.threads=2
                num.io.threads=4
                log.retention.hours=168
                """.formatted(s.host(), s.kafkaPort(), s.kafkaControllerPort(), data));
        String classpath = Connect.classpath(s);
        List<String> jvm = List.of("-Xms256m", "-Xmx768m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
                "-Djava.awt.headless=true", "-Dlog4j2.configurationFile=" + log4j(s, "kafka"));
        if (!Files.exists(data.resolve("meta.properties"))) {
            Path log = s.logs().resolve("kafka-format.log");
            Process format = new ProcessBuilder(Supervised.java(jvm, classpath, "kafka.tools.StorageTool",
                    "format", "--standalone", "-t", clusterId(), "-c", config.toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
                throw new StackException("kafka storage format failed; see " + log + "\n" + Supervised.tail(log, 15));
            }
        }
        Supervised broker = Supervised.start("kafka", Supervised.java(jvm, classpath, "kafka.Kafka",
                config.toString()), Map.of(), dir, s, listener);
        broker.awaitReady(Duration.ofSeconds(90), () -> broker.logged("Kafka Server started"));
        return broker;
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

    /** A log4j2 configuration writing to standard output, which the launcher sends to the part's log file. */
    static Path log4j(StackSettings s, String name) throws IOException {
        Path file = s.stateDir().resolve(name).resolve("log4j2.properties");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                status = warn
                appender.out.type = Console
                appender.out.name = out
                appender.out.layout.type = PatternLayout
                appender.out.layout.pattern = [%d] %p %m (%c{1})%n
                rootLogger.level = INFO
                rootLogger.appenderRef.out.ref = out
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
