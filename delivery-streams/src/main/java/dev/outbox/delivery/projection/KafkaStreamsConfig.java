package dev.outbox.delivery.projection;

import dev.outbox.delivery.platform.DeliveryProperties;
import dev.outbox.delivery.platform.Instance;
import dev.outbox.serde.SchemaRegistryClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Properties;
import org.apache.kafka.streams.GroupProtocol;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.annotation.KafkaStreamsDefaultConfiguration;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.kafka.config.KafkaStreamsInfrastructureCustomizer;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;

/**
 * Wires the topology into Spring Kafka's Streams lifecycle. The Streams settings themselves (exactly-once, standby
 * replicas, commit interval, caching, {@code application.server}) are in application.properties under
 * {@code spring.kafka.streams.*}, where they can be overridden like any Boot property. The topics are checked, and
 * created when missing, by {@link TopicPartitionCheck} before Streams starts.
 */
@Configuration(proxyBeanMethods = false)
@EnableKafkaStreams
public class KafkaStreamsConfig {

    private static final Logger log = LoggerFactory.getLogger(KafkaStreamsConfig.class);

    /** Seconds a clean shutdown gives Streams to commit, close its stores and leave the group. */
    private static final int CLOSE_TIMEOUT_SECONDS = 20;

    /**
     * Lifecycle phase of Streams and of the outputs feed: below the web server's graceful-shutdown phase, so on
     * shutdown the server first finishes the requests in flight (which read the stores and wait for command results)
     * and only then are the stores and the feed closed. (Lower phases start earlier and stop later.)
     */
    public static final int STREAMS_PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

    @Bean
    DeliveryMetrics deliveryMetrics(MeterRegistry registry) {
        return new DeliveryMetrics(registry);
    }

    @Bean
    DeliveryTopology deliveryTopology(DeliveryProperties properties, SchemaRegistryClient registry,
                                      DeliveryMetrics metrics) {
        return new DeliveryTopology(DeliveryTopology.Settings.of(properties), registry, metrics);
    }

    @Bean
    KafkaStreamsState kafkaStreamsState(DeliveryProperties properties) {
        return new KafkaStreamsState(Clock.systemUTC(), properties.health().failureWindow(),
                properties.health().stalledAfter());
    }

    @Bean
    Instance instance(@Qualifier(KafkaStreamsDefaultConfiguration.DEFAULT_STREAMS_CONFIG_BEAN_NAME)
                      KafkaStreamsConfiguration streamsConfig) {
        return Instance.parse((String) streamsConfig.asProperties().get(StreamsConfig.APPLICATION_SERVER_CONFIG));
    }

    @Bean
    StreamsBuilderFactoryBeanConfigurer deliveryStreamsConfigurer(DeliveryTopology topology, KafkaStreamsState state) {
        return factoryBean -> {
            factoryBean.setInfrastructureCustomizer(new KafkaStreamsInfrastructureCustomizer() {
                @Override
                public void configureTopology(Topology springTopology) {
                    topology.addTo(springTopology);
                }
            });
            // Streams' own dead-letter queue, with the handler that keeps an unreachable registry from dead-lettering
            Properties streamsConfig = factoryBean.getStreamsConfiguration();
            streamsConfig.putAll(topology.errorHandling());
            if (GroupProtocol.STREAMS.name().equalsIgnoreCase(
                    streamsConfig.getProperty(StreamsConfig.GROUP_PROTOCOL_CONFIG))) {
                // under KIP-1071's protocol standby replicas (and warm-ups, and the session timeout) are the group's
                // settings on the broker (group.streams.*): the app's would only be ignored with a warning. Static
                // membership stays: Kafka 4.4 brokers and clients support it there
                streamsConfig.remove(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG);
            }
            factoryBean.setStreamsConfiguration(streamsConfig);
            factoryBean.setStateListener(state);
            // a record that fails is dead-lettered by Streams' handlers; what still escapes is what is not the
            // record's fault (broker, registry, disk), which a fresh thread retrying from the last commit may get past
            factoryBean.setStreamsUncaughtExceptionHandler(e -> {
                log.error("Kafka Streams thread failed; replacing it (processing resumes from the last commit)", e);
                state.threadFailed(e);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            factoryBean.setCloseTimeout(CLOSE_TIMEOUT_SECONDS);
            factoryBean.setPhase(STREAMS_PHASE);
            // leaving the group on a clean stop hands partitions to the other instance at once, not after the
            // session timeout
            factoryBean.setLeaveGroupOnClose(true);
        };
    }
}
