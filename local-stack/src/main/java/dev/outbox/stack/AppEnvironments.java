package dev.outbox.stack;

import java.util.Map;

/**
 * What the stack tells each of its Spring Boot services through environment variables (Spring's relaxed binding):
 * where its database, Kafka and the schema registry are, and the credentials for them.
 */
final class AppEnvironments {

    private AppEnvironments() {
    }

    static Map<String, String> registry(StackSettings settings, RegistryAccounts registryAccounts) {
        return Map.of(
                "SPRING_DATASOURCE_URL", "jdbc:mariadb://" + settings.host() + ":" + settings.mariadbPort() + "/registry",
                "REGISTRY_AUTH_ADMIN_PASSWORD", registryAccounts.adminPassword(),
                "REGISTRY_AUTH_WRITER_PASSWORD", registryAccounts.writerPassword(),
                "REGISTRY_AUTH_READER_PASSWORD", registryAccounts.readerPassword(),
                "SPRING_DATASOURCE_USERNAME", "registry",
                "SPRING_DATASOURCE_PASSWORD", settings.registryDbPassword());
    }

    /**
     * How long an app behind HAProxy keeps serving while it reports not ready before it stops: longer than two of the
     * balancer's checks a second apart, after which it sends the instance nothing new.
     */
    static final String DRAIN_BEHIND_BALANCER = "3s";

    static Map<String, String> orderApi(StackSettings settings, RegistryAccounts registryAccounts) {
        Map<String, String> env = new java.util.LinkedHashMap<>(orderApiConnections(settings, registryAccounts));
        env.put("ORDERS_READINESS_DRAIN", settings.balanced() ? DRAIN_BEHIND_BALANCER : "0s");
        env.put("ORDERS_READINESS_WARM_UP", Boolean.toString(settings.warmUp()));
        return env;
    }

    private static Map<String, String> orderApiConnections(StackSettings settings, RegistryAccounts registryAccounts) {
        return Map.of(
                "SPRING_R2DBC_URL", settings.ordersR2dbcUrl(),
                "OUTBOX_SCHEMA_REGISTRY_USER_INFO", registryAccounts.writerUserInfo(),
                "SPRING_R2DBC_USERNAME", "orders",
                "SPRING_R2DBC_PASSWORD", settings.ordersDbPassword(),
                "SPRING_FLYWAY_URL", settings.ordersJdbcUrl(),
                "SPRING_FLYWAY_USER", "orders",
                "SPRING_FLYWAY_PASSWORD", settings.ordersDbPassword(),
                "OUTBOX_SCHEMA_REGISTRY_URL", settings.registryUrl());
    }

    /** A delivery-streams instance named {@code name}: its own Streams state directory, the shared application id. */
    static Map<String, String> delivery(StackSettings settings, RegistryAccounts registryAccounts, String name) {
        Map<String, String> env = new java.util.LinkedHashMap<>(deliveryConnections(settings, registryAccounts, name));
        env.put("DELIVERY_READINESS_DRAIN", settings.balanced() ? DRAIN_BEHIND_BALANCER : "0s");
        return env;
    }

    private static Map<String, String> deliveryConnections(StackSettings settings, RegistryAccounts registryAccounts,
                                                           String name) {
        return Map.of(
                "SPRING_KAFKA_BOOTSTRAP_SERVERS", settings.kafkaBootstrap(),
                "DELIVERY_TOPICS_REPLICATION_FACTOR", Integer.toString(settings.kafkaReplicationFactor()),
                "OUTBOX_SCHEMA_REGISTRY_USER_INFO", registryAccounts.writerUserInfo(),
                "SPRING_KAFKA_STREAMS_STATE_DIR", settings.stateDir().resolve(name).resolve("streams").toString(),
                // the board shows these parts' state and proxies its order actions to the order API
                "BOARD_ORDER_API_URL", settings.orderApiUrl(),
                "BOARD_CONNECT_URL", settings.connectUrl(),
                "BOARD_CONNECT_USER_INFO", settings.connectUserInfo(Connect.BOARD),
                "OUTBOX_SCHEMA_REGISTRY_URL", settings.registryUrl());
    }
}
