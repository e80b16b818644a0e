package dev.outbox.stack;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the local stack keeps its state and which ports it binds (always on 127.0.0.1).
 *
 * <p>Every value comes from a system property ({@code -Dstack.kafka.port=...}) or an environment variable
 * ({@code STACK_KAFKA_PORT}), falling back to the defaults of the design notes. Passwords default to local-only
 * development values; set the variables to change them.
 */
public record StackSettings(
        Path home,
        Path stateDir,
        String host,
        int mariadbPort,
        int kafkaPort,
        int kafkaControllerPort,
        int registryPort,
        int connectPort,
        int orderApiPort,
        int deliveryPort,
        String ordersDbPassword,
        String registryDbPassword,
        String debeziumDbPassword,
        long debeziumPollIntervalMs) {

    public static final String HOST = "127.0.0.1";

    /** Settings from system properties and the environment; {@code home} is the project's root folder. */
    public static StackSettings fromEnvironment(Path home) {
        Path state = Path.of(value("dir", home.resolve(".stack").toString()));
        return new StackSettings(
                home.toAbsolutePath().normalize(),
                state.toAbsolutePath().normalize(),
                HOST,
                intValue("mariadb.port", 3307),
                intValue("kafka.port", 9092),
                intValue("kafka.controller.port", 9093),
                intValue("registry.port", 8081),
                intValue("connect.port", 8083),
                intValue("order-api.port", 8080),
                intValue("delivery.port", 8082),
                value("orders.db.password", "orders-local"),
                value("registry.db.password", "registry-local"),
                value("debezium.db.password", "debezium-local"),
                Long.parseLong(value("debezium.poll.interval.ms", "10")));
    }

    public StackSettings withStateDir(Path dir) {
        return new StackSettings(home, dir.toAbsolutePath().normalize(), host, mariadbPort, kafkaPort,
                kafkaControllerPort, registryPort, connectPort, orderApiPort, deliveryPort, ordersDbPassword,
                registryDbPassword, debeziumDbPassword, debeziumPollIntervalMs);
    }

    /** The same settings on other ports, for a stack that must not collide with one already running. */
    public StackSettings withPorts(Map<String, Integer> ports) {
        return new StackSettings(home, stateDir, host,
                ports.getOrDefault("mariadb", mariadbPort), ports.getOrDefault("kafka", kafkaPort),
                ports.getOrDefault("kafka-controller", kafkaControllerPort),
                ports.getOrDefault("registry", registryPort), ports.getOrDefault("connect", connectPort),
                ports.getOrDefault("order-api", orderApiPort), ports.getOrDefault("delivery", deliveryPort),
                ordersDbPassword, registryDbPassword, debeziumDbPassword, debeziumPollIntervalMs);
    }

    public String kafkaBootstrap() {
        return host + ":" + kafkaPort;
    }

    public String registryUrl() {
        return "http://" + host + ":" + registryPort;
    }

    public String connectUrl() {
        return "http://" + host + ":" + connectPort;
    }

    public String orderApiUrl() {
        return "http://" + host + ":" + orderApiPort;
    }

    public String deliveryUrl() {
        return "http://" + host + ":" + deliveryPort;
    }

    public String ordersJdbcUrl() {
        return "jdbc:mariadb://" + host + ":" + mariadbPort + "/orders";
    }

    public String ordersR2dbcUrl() {
        return "r2dbc:mysql://" + host + ":" + mariadbPort + "/orders";
    }

    public Path logs() {
        return stateDir.resolve("logs");
    }

    public Path kafkaHome() {
        return home.resolve("local-stack/target/kafka");
    }

    private static String value(String key, String fallback) {
        String property = System.getProperty("stack." + key);
        if (property != null && !property.isBlank()) {
            return property;
        }
        String env = System.getenv("STACK_" + key.toUpperCase().replace('.', '_').replace('-', '_'));
        return Optional.ofNullable(env).filter(v -> !v.isBlank()).orElse(fallback);
    }

    private static int intValue(String key, int fallback) {
        String v = value(key, Integer.toString(fallback));
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("stack." + key + " must be a port number, got '" + v + "'");
        }
    }
}
