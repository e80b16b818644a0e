package dev.outbox.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The 3-broker option's settings, without starting Kafka: ports, bootstrap list and replication. */
class KafkaClusterSettingsTest {

    @TempDir
    Path state;

    private StackSettings settings() {
        return StackSettings.fromEnvironment(state).withStateDir(state)
                .withPorts(Map.of("kafka", 19092, "kafka-controller", 19093));
    }

    @Test
    void oneBrokerIsTheDefaultWithReplicationFactorOne() {
        StackSettings s = settings();
        assertThat(s.kafkaBrokers()).isEqualTo(1);
        assertThat(s.kafkaBootstrap()).isEqualTo("127.0.0.1:19092");
        assertThat(s.kafkaReplicationFactor()).isEqualTo(1);
        assertThat(s.kafkaMinInsyncReplicas()).isEqualTo(1);
    }

    @Test
    void threeBrokersHaveTheirOwnPortsReplicationFactorThreeAndTwoInSync() {
        StackSettings s = settings().withKafkaBrokers(3);
        assertThat(s.kafkaBootstrap()).isEqualTo("127.0.0.1:19092,127.0.0.1:19094,127.0.0.1:19096");
        assertThat(s.kafkaControllerPort(3)).isEqualTo(19097);
        assertThat(s.kafkaReplicationFactor()).isEqualTo(3);
        assertThat(s.kafkaMinInsyncReplicas()).isEqualTo(2);
        assertThat(KafkaBroker.name(1)).isEqualTo("kafka");
        assertThat(KafkaBroker.name(3)).isEqualTo("kafka-3");
    }

    @Test
    void aQuorumThatCannotSurviveALossIsRefused() {
        assertThatThrownBy(() -> settings().withKafkaBrokers(2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 or 3 brokers");
    }

    @Test
    void theConnectWorkerLeavesItsTopicsReplicationToTheBrokerDefault() {
        assertThat(Connect.workerConfig(settings().withKafkaBrokers(3)))
                .contains("offset.storage.replication.factor=-1")
                .contains("bootstrap.servers=127.0.0.1:19092,127.0.0.1:19094,127.0.0.1:19096");
    }
}
