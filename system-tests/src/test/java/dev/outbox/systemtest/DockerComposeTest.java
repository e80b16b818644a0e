package dev.outbox.systemtest;

import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml cannot be started here (no Docker engine), so this keeps it honest by reading it: the services
 * and ports of the design, published on 127.0.0.1, healthchecks that gate start order, KRaft without ZooKeeper, and
 * the connector it registers being the local stack's one but for the connector class.
 */
class DockerComposeTest {

    private static final Path HOME = Path.of(System.getProperty("stack.home", "..")).toAbsolutePath().normalize();
    private static JsonNode services;

    @BeforeAll
    static void read() throws IOException {
        services = YAMLMapper.builder().build().readTree(HOME.resolve("docker-compose.yml").toFile()).get("services");
    }

    @Test
    void hasEveryPartOfTheSystem() {
        assertThat(names(services)).containsExactlyInAnyOrder("mysql", "kafka", "schema-registry", "connect",
                "register-connector", "order-api", "delivery-streams", "kafka-ui");
    }

    @Test
    void publishesTheDesignPortsOnLoopbackOnly() {
        Map<String, String> expected = Map.of("mysql", "127.0.0.1:3307:3306", "kafka", "127.0.0.1:9092:9092",
                "schema-registry", "127.0.0.1:8081:8081", "connect", "127.0.0.1:8083:8083",
                "order-api", "127.0.0.1:8080:8080", "delivery-streams", "127.0.0.1:8082:8082",
                "kafka-ui", "127.0.0.1:8088:8080");
        expected.forEach((service, port) -> assertThat(texts(services.get(service).get("ports")))
                .as(service + " ports").containsExactly(port));
        names(services).forEach(service -> texts(services.get(service).get("ports"))
                .forEach(p -> assertThat(p).as(service).startsWith("127.0.0.1:")));
    }

    @Test
    void serversHaveHealthchecksAndDependentsWaitForThem() {
        for (String server : List.of("mysql", "kafka", "schema-registry", "connect", "order-api", "delivery-streams")) {
            assertThat(services.get(server).has("healthcheck")).as(server + " healthcheck").isTrue();
        }
        Map<String, Set<String>> needs = Map.of(
                "connect", Set.of("kafka", "mysql"),
                "register-connector", Set.of("connect"),
                "order-api", Set.of("mysql", "schema-registry"),
                "delivery-streams", Set.of("kafka", "schema-registry"),
                "schema-registry", Set.of("kafka"));
        needs.forEach((service, deps) -> {
            JsonNode dependsOn = services.get(service).get("depends_on");
            assertThat(names(dependsOn)).as(service + " depends_on").containsAll(deps);
            deps.forEach(dep -> {
                String condition = dependsOn.get(dep).get("condition").asString();
                assertThat(condition).as(service + " waits for " + dep).isEqualTo("service_healthy");
                assertThat(services.get(dep).has("healthcheck")).as(dep + " has the healthcheck waited for").isTrue();
            });
        });
    }

    @Test
    void kafkaRunsInKraftModeWithoutZookeeper() {
        JsonNode env = services.get("kafka").get("environment");
        assertThat(env.get("KAFKA_PROCESS_ROLES").asString()).isEqualTo("broker,controller");
        assertThat(names(services)).noneMatch(s -> s.contains("zookeeper"));
        assertThat(names(env)).noneMatch(k -> k.contains("ZOOKEEPER"));
    }

    @Test
    void theRegistrationServiceMountsAndPostsTheVersionedConnectorFile() throws IOException {
        JsonNode register = services.get("register-connector");
        assertThat(texts(register.get("volumes"))).contains("./connect:/connect:ro");
        assertThat(texts(register.get("command")).get(0)).contains("@/connect/order-outbox.mysql.json");
        assertThat(HOME.resolve("connect/order-outbox.mysql.json")).exists();
        // every ${env:X} the connector file reads is set on the Connect container
        String file = Files.readString(HOME.resolve("connect/order-outbox.mysql.json"));
        var matcher = java.util.regex.Pattern.compile("\\$\\{env:([A-Z_]+)}").matcher(file);
        JsonNode env = services.get("connect").get("environment");
        while (matcher.find()) {
            assertThat(env.has(matcher.group(1))).as("connect env " + matcher.group(1)).isTrue();
        }
    }

    @Test
    void connectsEnvConfigProviderHandsOutOnlyWhatTheConnectorFileReads() throws IOException {
        JsonNode env = services.get("connect").get("environment");
        // the Debezium image turns CONNECT_X_Y into the worker property x.y
        JsonNode pattern = env.get("CONNECT_CONFIG_PROVIDERS_ENV_PARAM_ALLOWLIST_PATTERN");
        assertThat(pattern).as("config.providers.env.param.allowlist.pattern").isNotNull();
        var allowed = java.util.regex.Pattern.compile(pattern.asString());
        String file = Files.readString(HOME.resolve("connect/order-outbox.mysql.json"));
        var matcher = java.util.regex.Pattern.compile("\\$\\{env:([A-Z_]+)}").matcher(file);
        java.util.Set<String> read = new java.util.TreeSet<>();
        while (matcher.find()) {
            read.add(matcher.group(1));
        }
        assertThat(read).allMatch(v -> allowed.matcher(v).matches());
        assertThat(names(env)).filteredOn(v -> allowed.matcher(v).matches()).containsExactlyInAnyOrderElementsOf(read);
        assertThat(allowed.matcher("MYSQL_ROOT_PASSWORD").matches()).isFalse();
    }

    @Test
    void mysqlAndMariadbConnectorFilesDifferOnlyInTheConnectorClass() throws IOException {
        JsonNode mysql = Api.JSON.readTree(HOME.resolve("connect/order-outbox.mysql.json").toFile());
        JsonNode mariadb = Api.JSON.readTree(HOME.resolve("connect/order-outbox.mariadb.json").toFile());
        assertThat(mysql.get("name")).isEqualTo(mariadb.get("name"));
        Map<String, String> a = flat(mysql.get("config"));
        Map<String, String> b = flat(mariadb.get("config"));
        assertThat(a.remove("connector.class")).isEqualTo("io.debezium.connector.mysql.MySqlConnector");
        assertThat(b.remove("connector.class")).isEqualTo("io.debezium.connector.mariadb.MariaDbConnector");
        assertThat(a).isEqualTo(b);
    }

    @Test
    void theAppsGetTheSettingsTheLocalStackGivesThem() {
        assertThat(names(services.get("order-api").get("environment"))).contains("SPRING_R2DBC_URL",
                "SPRING_FLYWAY_URL", "OUTBOX_SCHEMA_REGISTRY_URL");
        assertThat(names(services.get("delivery-streams").get("environment"))).contains(
                "SPRING_KAFKA_BOOTSTRAP_SERVERS", "OUTBOX_SCHEMA_REGISTRY_URL", "BOARD_ORDER_API_URL", "BOARD_CONNECT_URL");
        assertThat(HOME.resolve("Dockerfile")).exists();
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        if (node != null) {
            names.addAll(node.propertyNames());
        }
        return names;
    }

    private static List<String> texts(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node != null) {
            node.forEach(n -> out.add(n.asString()));
        }
        return out;
    }

    private static Map<String, String> flat(JsonNode config) {
        Map<String, String> map = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : config.properties()) {
            map.put(e.getKey(), e.getValue().asString());
        }
        return map;
    }
}
