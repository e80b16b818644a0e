package dev.outbox.stack;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Where the settings come from, without starting anything: {@code stack.*} system properties here (they win over the
 * {@code STACK_*} variables, which a test cannot set), the defaults, and the copies on other ports.
 */
class StackSettingsTest {

    private static final List<String> PROPERTIES = List.of("stack.dir", "stack.kafka.port", "stack.order-api.port",
            "stack.mariadb.port", "stack.kafka.brokers", "stack.debezium.poll.interval.ms");

    @TempDir
    Path home;

    @AfterEach
    void clearProperties() {
        PROPERTIES.forEach(System::clearProperty);
    }

    @Test
    void withoutSettingsTheDefaultPortsAndStateDirectoryApply() {
        assumeTrue(System.getenv().keySet().stream().noneMatch(k -> k.startsWith("STACK_")), "no STACK_* variable set");

        StackSettings s = StackSettings.fromEnvironment(home);

        assertThat(s.stateDir()).isEqualTo(home.resolve(".stack"));
        assertThat(List.of(s.mariadbPort(), s.kafkaPort(), s.kafkaControllerPort(), s.registryPort(), s.connectPort(),
                s.orderApiPort(), s.deliveryPort())).containsExactly(3307, 9092, 9093, 8081, 8083, 8080, 8082);
        assertThat(s.kafkaBrokers()).isEqualTo(1);
        assertThat(s.debeziumPollIntervalMs()).isEqualTo(10);
        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.orderApiUrl()).isEqualTo("http://127.0.0.1:8080");
        assertThat(s.logs()).isEqualTo(home.resolve(".stack/logs"));
    }

    @Test
    void systemPropertiesSetPortsBrokersAndTheStateDirectory() {
        System.setProperty("stack.dir", home.resolve("elsewhere").toString());
        System.setProperty("stack.kafka.port", "19092");
        System.setProperty("stack.order-api.port", "18080");
        System.setProperty("stack.kafka.brokers", "3");
        System.setProperty("stack.debezium.poll.interval.ms", "50");

        StackSettings s = StackSettings.fromEnvironment(home);

        assertThat(s.stateDir()).isEqualTo(home.resolve("elsewhere"));
        assertThat(s.kafkaPort()).isEqualTo(19092);
        assertThat(s.orderApiUrl()).isEqualTo("http://127.0.0.1:18080");
        assertThat(s.kafkaBrokers()).isEqualTo(3);
        assertThat(s.kafkaBootstrap()).isEqualTo("127.0.0.1:19092,127.0.0.1:19094,127.0.0.1:19096");
        assertThat(s.debeziumPollIntervalMs()).isEqualTo(50);
    }

    @Test
    void aPortThatIsNotANumberIsRefusedByItsName() {
        System.setProperty("stack.mariadb.port", "33o7");

        assertThatThrownBy(() -> StackSettings.fromEnvironment(home)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stack.mariadb.port must be a number, got '33o7'");
    }

    @Test
    void aBrokerCountOtherThanOneOrThreeIsRefused() {
        System.setProperty("stack.kafka.brokers", "2");

        assertThatThrownBy(() -> StackSettings.fromEnvironment(home)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 or 3 brokers");
    }

    @Test
    void otherPortsReplaceOnlyTheOnesGiven() {
        StackSettings s = StackSettings.fromEnvironment(home);

        StackSettings moved = s.withPorts(Map.of("registry", 18081, "kafka-controller", 19093));

        assertThat(moved.registryPort()).isEqualTo(18081);
        assertThat(moved.kafkaControllerPort()).isEqualTo(19093);
        assertThat(moved.kafkaPort()).isEqualTo(s.kafkaPort());
        assertThat(moved.withStateDir(home.resolve("x")).registryPort()).isEqualTo(18081);
        assertThat(moved.withKafkaBrokers(3).registryPort()).isEqualTo(18081);
    }

    @Test
    void aFreePortCanBeBoundOnTheStacksHost() throws IOException {
        int port = StackSettings.freePort();

        assertThat(port).isBetween(1024, 65535);
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(StackSettings.HOST))) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }
}
