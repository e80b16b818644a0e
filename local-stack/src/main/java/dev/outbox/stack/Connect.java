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
 *
 * <p>The REST API takes HTTP Basic credentials only (Kafka's basic auth extension, through {@code connect-rest-auth}):
 * the users and their generated passwords are in the state directory's {@code connect-passwords.properties}, which
 * the worker's JAAS login module reads; the launcher is {@link #ADMIN}, the board's probe {@link #BOARD}.
 */
public final class Connect {

    public static final String CONNECTOR = "order-outbox";
    /** The launcher's REST user: registers the connector and waits for its task. */
    public static final String ADMIN = "admin";
    /** The board's REST user: reads the connector's status. */
    public static final String BOARD = "board";
    /** The REST extension that asks for credentials, and the JAAS login context it authenticates in. */
    static final String REST_AUTH_EXTENSION = "dev.outbox.connect.auth.BasicAuthRestExtension";
    private static final String LOGIN_CONTEXT = "KafkaConnect";
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
        Path jaas = dir.resolve("connect-jaas.conf");
        Files.writeString(jaas, jaasConfig(s));
        List<String> jvm = List.of("-Xms128m", "-Xmx512m", "-XX:+UseG1GC", "-Djava.awt.headless=true",
                "-Djava.security.auth.login.config=" + jaas,
                "-Dlog4j2.configurationFile=" + KafkaBroker.log4j(s, "connect"),
                "-Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager");
        Supervised worker = Supervised.start("connect", Supervised.java(jvm, classpath(s),
                "org.apache.kafka.connect.cli.ConnectDistributed", config.toString()), environment(s), dir, s, listener);
        // /health asks for credentials too
        worker.awaitReady(Duration.ofSeconds(90), () -> Http.ok(s.connectUrl() + "/health", s.connectUserInfo(ADMIN)));
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
                # HTTP Basic on every REST call (see connect-jaas.conf)
                rest.extension.classes=%6$s
                """.formatted(s.kafkaBootstrap(), s.host(), s.connectPort(), s.kafkaHome().resolve("plugins"),
                String.join("|", CONNECTOR_VARIABLES), REST_AUTH_EXTENSION);
    }

    /**
     * The JAAS configuration the REST extension authenticates with: Kafka's {@code PropertyFileLoginModule} on the
     * generated passwords file.
     */
    static String jaasConfig(StackSettings s) {
        GeneratedPasswords.CONNECT.loadOrCreate(s.stateDir());
        String file = s.connectPasswordsFile().toString().replace("\\", "\\\\").replace("\"", "\\\"");
        return """
                %s {
                    org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required
                    file="%s";
                };
                """.formatted(LOGIN_CONTEXT, file);
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
        String admin = s.connectUserInfo(ADMIN);
        Http.Response created = Http.send("POST", s.connectUrl() + "/connectors", file, admin);
        if (created.status() == 409) {
            Http.Response updated = Http.send("PUT", s.connectUrl() + "/connectors/" + CONNECTOR + "/config",
                    Http.member(file, "config"), admin);
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
        String admin = s.connectUserInfo(ADMIN);
        worker.awaitReady(timeout, () -> {
            Http.Response status = Http.send("GET", url, null, admin);
            if (status.body().contains("\"FAILED\"")) {
                throw new StackException("connect: connector " + CONNECTOR + " failed: " + status.body()
                        + "\n see " + worker.log());
            }
            return status.status() == 200 && TASK_RUNNING.matcher(status.body()).find();
        });
    }
}
