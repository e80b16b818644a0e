package dev.outbox.stack;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the local stack keeps its state and which ports it binds (always on 127.0.0.1).
 *
 * <p>Every value comes from a system property ({@code -Dstack.kafka.port=...}) or an environment variable
 * ({@code STACK_KAFKA_PORT}), falling back to the defaults of the design notes.
 *
 * <p>The database passwords have no shared default: unless {@code STACK_ORDERS_DB_PASSWORD},
 * {@code STACK_REGISTRY_DB_PASSWORD} or {@code STACK_DEBEZIUM_DB_PASSWORD} (or the matching system property) sets
 * one, each is generated at random when the state directory first needs it and kept there in an owner-only file
 * ({@link GeneratedPasswords}), so the launcher, the apps it starts, Connect and every tool reading these settings (the
 * benchmark) agree on it. {@code dbPasswordOverrides} holds only the passwords that were set explicitly.
 *
 * <p>{@code instances} ({@code STACK_INSTANCES}, default 2) is how many processes each app runs as. With 2, HAProxy
 * listens on the apps' ports (8080, 8082) and balances over the instances, which listen on their own
 * ({@link #orderApiInstancePort}, {@link #deliveryInstancePort}: by default the app's port + 100, + 101 ... for
 * order-api, + 100, + 102 for delivery-streams); with 1 there is no balancer and each app listens on its port itself.
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
        Map<String, String> dbPasswordOverrides,
        long debeziumPollIntervalMs,
        int kafkaBrokers,
        int instances,
        Map<String, Integer> instancePorts,
        boolean warmUp) {

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
                passwordOverrides(),
                Long.parseLong(value("debezium.poll.interval.ms", "10")),
                intValue("kafka.brokers", 1),
                intValue("instances", 2),
                Map.of(),
                Boolean.parseBoolean(value("warm-up", "true")));
    }

    public StackSettings withStateDir(Path dir) {
        return new StackSettings(home, dir.toAbsolutePath().normalize(), host, mariadbPort, kafkaPort,
                kafkaControllerPort, registryPort, connectPort, orderApiPort, deliveryPort, dbPasswordOverrides,
                debeziumPollIntervalMs, kafkaBrokers, instances, instancePorts, warmUp);
    }

    /** The same settings with a Kafka cluster of {@code brokers} (1, or 3 for replication factor 3). */
    public StackSettings withKafkaBrokers(int brokers) {
        return new StackSettings(home, stateDir, host, mariadbPort, kafkaPort, kafkaControllerPort, registryPort,
                connectPort, orderApiPort, deliveryPort, dbPasswordOverrides, debeziumPollIntervalMs, brokers,
                instances, instancePorts, warmUp);
    }

    /** The same settings with each app as {@code n} instances (1, or 2 behind HAProxy). */
    public StackSettings withInstances(int n) {
        return new StackSettings(home, stateDir, host, mariadbPort, kafkaPort, kafkaControllerPort, registryPort,
                connectPort, orderApiPort, deliveryPort, dbPasswordOverrides, debeziumPollIntervalMs, kafkaBrokers,
                n, instancePorts, warmUp);
    }

    /** The same settings on other ports, for a stack that must not collide with one already running. */
    public StackSettings withPorts(Map<String, Integer> ports) {
        return new StackSettings(home, stateDir, host,
                ports.getOrDefault("mariadb", mariadbPort), ports.getOrDefault("kafka", kafkaPort),
                ports.getOrDefault("kafka-controller", kafkaControllerPort),
                ports.getOrDefault("registry", registryPort), ports.getOrDefault("connect", connectPort),
                ports.getOrDefault("order-api", orderApiPort), ports.getOrDefault("delivery", deliveryPort),
                dbPasswordOverrides, debeziumPollIntervalMs, kafkaBrokers, instances, instancePortsOf(ports), warmUp);
    }

    /** The instance ports among {@code ports} ({@code order-api-1}, {@code delivery-2} ...), as instance names. */
    private Map<String, Integer> instancePortsOf(Map<String, Integer> ports) {
        Map<String, Integer> chosen = new java.util.HashMap<>(instancePorts);
        ports.forEach((name, port) -> {
            if (name.matches("(order-api|delivery)-\\d+")) {
                chosen.put(instanceName(name.substring(0, name.lastIndexOf('-')),
                        Integer.parseInt(name.substring(name.lastIndexOf('-') + 1))), port);
            }
        });
        return chosen;
    }

    /** The process name of instance {@code n} (from 1) of an app: {@code order-api}, {@code order-api-2} ... */
    public static String instanceName(String app, int n) {
        return n == 1 ? app : app + "-" + n;
    }

    /**
     * The same settings with the apps' warm-up before ready on or off ({@code STACK_WARM_UP}, default on: an
     * order-api instance sends itself dry-run orders until its JIT is quiet; tests that measure nothing turn it off).
     */
    public StackSettings withWarmUp(boolean on) {
        return new StackSettings(home, stateDir, host, mariadbPort, kafkaPort, kafkaControllerPort, registryPort,
                connectPort, orderApiPort, deliveryPort, dbPasswordOverrides, debeziumPollIntervalMs, kafkaBrokers,
                instances, instancePorts, on);
    }

    /** Whether HAProxy fronts the apps: more than one instance each. */
    public boolean balanced() {
        return instances > 1;
    }

    /** Where order-api instance {@code n} (from 1) listens: the app's port itself when it runs alone. */
    public int orderApiInstancePort(int n) {
        return instancePort("order-api", n, orderApiPort, 1);
    }

    /** Where delivery-streams instance {@code n} (from 1) listens: the app's port itself when it runs alone. */
    public int deliveryInstancePort(int n) {
        return instancePort("delivery", n, deliveryPort, 2);
    }

    private int instancePort(String app, int n, int appPort, int step) {
        if (!balanced()) {
            return n == 1 ? appPort : appPort + step * (n - 1);
        }
        return instancePorts.getOrDefault(instanceName(app, n), appPort + 100 + step * (n - 1));
    }

    public StackSettings {
        dbPasswordOverrides = Map.copyOf(dbPasswordOverrides);
        instancePorts = Map.copyOf(instancePorts);
        if (instances != 1 && instances != 2) {
            throw new IllegalArgumentException("each app runs as 1 instance or as 2 behind HAProxy, not " + instances);
        }
        if (kafkaBrokers != 1 && kafkaBrokers != 3) {
            throw new IllegalArgumentException("the Kafka cluster has 1 or 3 brokers (a KRaft quorum of 3 survives"
                    + " one loss), not " + kafkaBrokers);
        }
    }

    /** The {@code orders} user's password: the one set explicitly, or the one generated for this state directory. */
    public String ordersDbPassword() {
        return dbPassword("orders");
    }

    public String registryDbPassword() {
        return dbPassword("registry");
    }

    public String debeziumDbPassword() {
        return dbPassword("debezium");
    }

    /** The owner-only file in the state directory that keeps the generated passwords. */
    public Path dbPasswordsFile() {
        return GeneratedPasswords.DATABASE.file(stateDir);
    }

    /**
     * The schema registry's accounts: {@code STACK_REGISTRY_ADMIN_PASSWORD}, {@code STACK_REGISTRY_WRITER_PASSWORD}
     * and {@code STACK_REGISTRY_READER_PASSWORD} (or {@code -Dstack.registry.admin.password=...}) when set, else the
     * passwords generated on the first start and kept next to the database ones.
     */
    public RegistryAccounts registryAccounts() {
        Map<String, String> generated = GeneratedPasswords.REGISTRY.loadOrCreate(stateDir);
        java.util.function.Function<String, String> password =
                account -> value("registry." + account + ".password", generated.get(account));
        return new RegistryAccounts(password.apply(RegistryAccounts.ADMIN), password.apply(RegistryAccounts.WRITER),
                password.apply(RegistryAccounts.READER));
    }

    /** The owner-only file in the state directory that keeps the registry accounts' generated passwords. */
    public Path registryPasswordsFile() {
        return GeneratedPasswords.REGISTRY.file(stateDir);
    }

    /**
     * {@code user:password} of a Kafka Connect REST user ({@code Connect.ADMIN}, the launcher's; {@code Connect.BOARD},
     * the board's), as generated on the first start: the worker's login module reads the same file.
     */
    public String connectUserInfo(String user) {
        String password = GeneratedPasswords.CONNECT.loadOrCreate(stateDir).get(user);
        if (password == null) {
            throw new IllegalArgumentException("no Kafka Connect REST user " + user);
        }
        return user + ":" + password;
    }

    /** The owner-only file in the state directory that keeps Kafka Connect's REST users. */
    public Path connectPasswordsFile() {
        return GeneratedPasswords.CONNECT.file(stateDir);
    }

    private String dbPassword(String user) {
        String chosen = dbPasswordOverrides.get(user);
        return chosen != null ? chosen : GeneratedPasswords.DATABASE.loadOrCreate(stateDir).get(user);
    }

    private static Map<String, String> passwordOverrides() {
        Map<String, String> chosen = new java.util.HashMap<>();
        for (String user : GeneratedPasswords.DATABASE.users()) {
            String value = value(user + ".db.password", null);
            if (value != null) {
                chosen.put(user, value);
            }
        }
        return chosen;
    }

    /** Every broker's listener, so clients find the cluster with any one of them down. */
    public String kafkaBootstrap() {
        return java.util.stream.IntStream.rangeClosed(1, kafkaBrokers)
                .mapToObj(n -> host + ":" + kafkaBrokerPort(n)).collect(java.util.stream.Collectors.joining(","));
    }

    /** Broker {@code n} (from 1) listens on the Kafka port + 2(n-1), its controller on the one after it. */
    public int kafkaBrokerPort(int n) {
        return kafkaPort + 2 * (n - 1);
    }

    public int kafkaControllerPort(int n) {
        return kafkaControllerPort + 2 * (n - 1);
    }

    /** 3 on a cluster: every write on all brokers, acknowledged by 2 ({@link #kafkaMinInsyncReplicas()}). */
    public int kafkaReplicationFactor() {
        return kafkaBrokers >= 3 ? 3 : 1;
    }

    public int kafkaMinInsyncReplicas() {
        return kafkaBrokers >= 3 ? 2 : 1;
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

    /** A port on {@link #HOST} that was free a moment ago, for a stack that must not collide with another. */
    public static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A {@code stack.*} system property, then a {@code STACK_*} environment variable, then {@code fallback}. */
    static String value(String key, String fallback) {
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
            throw new IllegalArgumentException("stack." + key + " must be a number, got '" + v + "'");
        }
    }
}
