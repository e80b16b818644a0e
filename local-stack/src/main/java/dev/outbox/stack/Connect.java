package dev.outbox.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Kafka Connect distributed worker with the Debezium MariaDB connector on its plugin path, and the registration
 * of the outbox connector from {@code connect/order-outbox.mariadb.json} through Connect's REST API: the same file
 * docker-compose users register. Database address and credentials reach the connector through Kafka's
 * {@code EnvVarConfigProvider} ({@code ${env:...}} in the file), so no secret is stored in Connect's config topic.
 */
public final class Connect {

    public static final String CONNECTOR = "order-outbox";
    private static final Pattern TASK_RUNNING = Pattern.compile("\"tasks\"\\s*:\\s*\\[\\s*\\{[^]]*\"state\"\\s*:\\s*\"RUNNING\"");

    private Connect() {
    }

    /** The broker's and the worker's classpath: every jar the build copied into local-stack/target/kafka/libs. */
    static String classpath(StackSettings s) {
        Path libs = s.kafkaHome().resolve("libs");
        try (Stream<Path> jars = Files.list(libs)) {
            List<String> all = jars.filter(p -> p.toString().endsWith(".jar")).map(Path::toString).sorted().toList();
            if (all.isEmpty()) {
                throw new IOException("empty");
            }
            return String.join(":", all);
        } catch (IOException e) {
            throw new StackException("Kafka jars missing in " + libs + "; build first: ./mvnw -DskipTests install");
        }
    }

    /**
     * The variables the connector file reads through {@code ${env:...}}: the only ones the worker's
     * {@code EnvVarConfigProvider} may hand out (its {@code allowlist.pattern}), so a connector configuration cannot
     * read any other variable of the worker's environment (the launcher's own STACK_* passwords, for one).
     */
    static final List<String> CONNECTOR_VARIABLES = List.of("OUTBOX_DB_HOST", "OUTBOX_DB_PORT", "DEBEZIUM_DB_USER",
            "DEBEZIUM_DB_PASSWORD", "KAFKA_BOOTSTRAP_SERVERS", "DEBEZIUM_POLL_INTERVAL_MS");

    public static Supervised startWorker(StackSettings s, Supervised.Listener listener) throws IOException {
        Path dir = s.stateDir().resolve("connect");
        Files.createDirectories(dir);
        Path config = dir.resolve("connect-distributed.properties");
        Files.writeString(config, workerConfig(s));
        List<String> jvm = List.of("-Xms128m", "-Xmx512m", "-XX:+UseG1GC", "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + KafkaBroker.log4j(s, "connect"),
                "-Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager");
        Supervised worker = Supervised.start("connect", Supervised.java(jvm, classpath(s),
                "org.apache.kafka.connect.cli.ConnectDistributed", config.toString()), environment(s), dir, s, listener);
        worker.awaitReady(Duration.ofSeconds(90), () -> Http.ok(s.connectUrl() + "/health"));
        return worker;
    }

    /** The distributed worker's configuration file. */
    static String workerConfig(StackSettings s) {
        return """
                bootstrap.servers=%1$s
                group.id=outbox-connect
                config.storage.topic=_connect-configs
                offset.storage.topic=_connect-offsets
                status.storage.topic=_connect-status
                # -1: the broker's default.replication.factor (1 on a single node, 3 on the cluster)
                config.storage.replication.factor=-1
                offset.storage.replication.factor=-1
                status.storage.replication.factor=-1
                offset.flush.interval.ms=1000
                key.converter=org.apache.kafka.connect.storage.StringConverter
                value.converter=org.apache.kafka.connect.json.JsonConverter
                listeners=http://%2$s:%3$d
                rest.advertised.host.name=%2$s
                rest.advertised.port=%3$d
                plugin.path=%4$s
                # plugins declare themselves through ServiceLoader manifests; scanning every class is 3x slower
                plugin.discovery=service_load
                config.providers=env
                config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
                # only the variables the connector file reads (a full match of the name)
                config.providers.env.param.allowlist.pattern=%5$s
                topic.creation.enable=true
                """.formatted(s.kafkaBootstrap(), s.host(), s.connectPort(), s.kafkaHome().resolve("plugins"),
                String.join("|", CONNECTOR_VARIABLES));
    }

    /** What the connector reads through {@code ${env:...}}, passed to the worker's process. */
    static Map<String, String> environment(StackSettings s) {
        return Map.of(
                "OUTBOX_DB_HOST", s.host(),
                "OUTBOX_DB_PORT", Integer.toString(s.mariadbPort()),
                "DEBEZIUM_DB_USER", "debezium",
                "DEBEZIUM_DB_PASSWORD", s.debeziumDbPassword(),
                "KAFKA_BOOTSTRAP_SERVERS", s.kafkaBootstrap(),
                "DEBEZIUM_POLL_INTERVAL_MS", Long.toString(s.debeziumPollIntervalMs()));
    }

    /** The connector file shipped in connect/. */
    public static Path connectorFile(StackSettings s) {
        return s.home().resolve("connect/order-outbox.mariadb.json");
    }

    /**
     * Creates the connector, or updates its configuration when it already exists, then waits until its task runs.
     */
    public static void registerConnector(StackSettings s, Supervised worker) throws IOException {
        String file = Files.readString(connectorFile(s));
        Http.Response created = Http.send("POST", s.connectUrl() + "/connectors", file);
        if (created.status() == 409) {
            Http.Response updated = Http.send("PUT", s.connectUrl() + "/connectors/" + CONNECTOR + "/config",
                    Http.member(file, "config"));
            if (updated.status() / 100 != 2) {
                throw new StackException("connect: updating connector " + CONNECTOR + " failed: " + updated.status()
                        + " " + updated.body() + "; see " + worker.log());
            }
        } else if (created.status() / 100 != 2) {
            throw new StackException("connect: registering connector " + CONNECTOR + " failed: " + created.status()
                    + " " + created.body() + "; see " + worker.log());
        }
        awaitTaskRunning(s, worker, Duration.ofSeconds(60));
    }

    public static void awaitTaskRunning(StackSettings s, Supervised worker, Duration timeout) {
        String url = s.connectUrl() + "/connectors/" + CONNECTOR + "/status";
        worker.awaitReady(timeout, () -> {
            Http.Response status = Http.send("GET", url, null);
            if (status.body().contains("\"FAILED\"")) {
                throw new StackException("connect: connector " + CONNECTOR + " failed: " + status.body()
                        + "\n see " + worker.log());
            }
            return status.status() == 200 && TASK_RUNNING.matcher(status.body()).find();
        });
    }
}
