package dev.outbox.delivery.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.outbox.delivery.platform.DeliveryProperties;
import dev.outbox.delivery.platform.Instance;
import dev.outbox.delivery.projection.DeliveryTopology;
import dev.outbox.events.delivery.DeliveryView;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.web.ErrorResponseException;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

/** Reading the current delivery for the event stream: "there is none" and "cannot be read now" are different. */
class DeliveryQueriesTest {

    private final Instance self = Instance.parse("127.0.0.1:8082");
    private final KafkaStreams streams = mock(KafkaStreams.class);
    private final String orderId = UUID.randomUUID().toString();
    private final DeliveryQueries queries;

    DeliveryQueriesTest() {
        StreamsBuilderFactoryBean factory = mock(StreamsBuilderFactoryBean.class);
        when(factory.getKafkaStreams()).thenReturn(streams);
        DeliveryProperties properties = new DeliveryProperties(null, null, null, null, 3, 100, null, null,
                new DeliveryProperties.Query(Duration.ofSeconds(2), Duration.ofSeconds(1), 500, Duration.ofSeconds(1)), null);
        queries = new DeliveryQueries(new DeliveryStores(factory, properties), new InstanceClient(self, properties), self,
                properties, JsonMapper.builder().build());
    }

    @Test
    void theCurrentDeliveryOfAnUnknownOrderIsEmpty() {
        @SuppressWarnings("unchecked")
        ReadOnlyKeyValueStore<String, DeliveryView> store = mock(ReadOnlyKeyValueStore.class);
        when(streams.queryMetadataForKey(eq(DeliveryTopology.DELIVERIES_STORE), eq(orderId), any(Serializer.class)))
                .thenReturn(new KeyQueryMetadata(self.hostInfo(), Set.of(), 0));
        when(streams.store(any(StoreQueryParameters.class))).thenReturn(store);

        StepVerifier.create(queries.current(orderId)).expectNext(Optional.empty()).verifyComplete();
    }

    @Test
    void aReadDuringARebalanceWaitsForThePartitionInsteadOfFailingAtOnce() {
        @SuppressWarnings("unchecked")
        ReadOnlyKeyValueStore<String, DeliveryView> store = mock(ReadOnlyKeyValueStore.class);
        // the partition is between owners for the first two looks, then owned here
        when(streams.queryMetadataForKey(eq(DeliveryTopology.DELIVERIES_STORE), eq(orderId), any(Serializer.class)))
                .thenReturn(KeyQueryMetadata.NOT_AVAILABLE, KeyQueryMetadata.NOT_AVAILABLE,
                        new KeyQueryMetadata(self.hostInfo(), Set.of(), 0));
        when(streams.store(any(StoreQueryParameters.class))).thenReturn(store);

        StepVerifier.create(queries.current(orderId)).expectNext(Optional.empty()).verifyComplete();
    }

    @Test
    void aDeliveryThatNoInstanceCanReadNowIsA503NotAnEmptyAnswer() {
        when(streams.queryMetadataForKey(eq(DeliveryTopology.DELIVERIES_STORE), eq(orderId), any(Serializer.class)))
                .thenReturn(KeyQueryMetadata.NOT_AVAILABLE);

        StepVerifier.create(queries.current(orderId))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(ErrorResponseException.class,
                        problem -> assertThat(problem.getStatusCode().value()).isEqualTo(503)))
                .verify(Duration.ofSeconds(5));
    }
}
