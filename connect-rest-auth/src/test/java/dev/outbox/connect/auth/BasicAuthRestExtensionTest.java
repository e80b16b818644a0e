package dev.outbox.connect.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ServiceLoader;
import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension;
import org.junit.jupiter.api.Test;

class BasicAuthRestExtensionTest {

    @Test
    void answersWithItsVersionOnTheKafkaWeRun() {
        assertThat(new BasicAuthRestExtension().version()).isNotBlank();
    }

    /** When this fails, Kafka's own class works here: name it in rest.extension.classes and delete ours. */
    @Test
    void kafkasOwnExtensionCannotSayItsVersionOnThisKafka() {
        assertThatThrownBy(() -> new BasicAuthSecurityRestExtension().version())
                .isInstanceOf(NoClassDefFoundError.class).hasMessageContaining("AppInfoParser");
    }

    @Test
    void theWorkerFindsItThroughServiceLoader() {
        // the worker discovers plugins with plugin.discovery=service_load
        assertThat(ServiceLoader.load(ConnectRestExtension.class).stream().map(ServiceLoader.Provider::type))
                .contains(BasicAuthRestExtension.class);
    }
}
