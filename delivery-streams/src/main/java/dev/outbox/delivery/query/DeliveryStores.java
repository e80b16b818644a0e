package dev.outbox.delivery.query;

import dev.outbox.delivery.platform.DeliveryProperties;
import dev.outbox.delivery.platform.Problems;
import dev.outbox.delivery.projection.DeliveryTopology;
import dev.outbox.delivery.projection.DeliveryHistory;
import dev.outbox.events.delivery.DeliveryView;
import dev.outbox.events.delivery.StatusTransition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

/**
 * Where the {@code deliveries} store lives, as Kafka Streams' interactive queries say: which instance hosts a key
 * (active and standby), which instances host the store, which partitions are active here; and this instance's copies
 * of it, of the history store and of the status index. A client that is not running, starting or stopping is "not queryable" (a 503
 * problem with Retry-After), never an error.
 */
@Component
public class DeliveryStores {

    static final String STORE = DeliveryTopology.DELIVERIES_STORE;
    private static final Serializer<String> KEYS = new StringSerializer();

    private final StreamsBuilderFactoryBean streamsFactory;
    private final Duration retryAfter;

    public DeliveryStores(StreamsBuilderFactoryBean streamsFactory, DeliveryProperties properties) {
        this.streamsFactory = streamsFactory;
        this.retryAfter = properties.query().retryAfter();
    }

    /** Which instances hold the key's partition (active and standbys); NOT_AVAILABLE while it has no owner. */
    KeyQueryMetadata hostsOf(String orderId) {
        KafkaStreams streams = streams();
        try {
            return streams.queryMetadataForKey(STORE, orderId, KEYS);
        } catch (InvalidStateStoreException | IllegalStateException e) {
            throw notQueryable("Kafka Streams is not running: " + e.getMessage());
        }
    }

    /** Every instance hosting the store. */
    Collection<StreamsMetadata> instances() {
        try {
            return streams().streamsMetadataForStore(STORE);
        } catch (InvalidStateStoreException | IllegalStateException e) {
            throw notQueryable("Kafka Streams is not running: " + e.getMessage());
        }
    }

    /**
     * The delivery from this instance's copy of its partition (any partition when null), a standby's too with
     * {@code allowStandby}; null when there is none.
     *
     * @throws InvalidStateStoreException when this instance holds no queryable copy
     */
    DeliveryView read(String orderId, Integer partition, boolean allowStandby) {
        StoreQueryParameters<ReadOnlyKeyValueStore<String, DeliveryView>> query =
                StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.keyValueStore());
        if (partition != null) {
            query = query.withPartition(partition);
        }
        if (allowStandby) {
            query = query.enableStaleStores();
        }
        return streams().store(query).get(orderId);
    }

    /**
     * Entries {@code from} (inclusive) to {@code to} (exclusive) of the order's history from this instance's copy of
     * the {@code delivery-history} store, oldest first (only entries its view no longer holds are there).
     *
     * @throws InvalidStateStoreException when this instance holds no queryable copy
     */
    List<StatusTransition> history(String orderId, Integer partition, boolean allowStandby, long from, long to) {
        StoreQueryParameters<ReadOnlyKeyValueStore<String, StatusTransition>> query =
                StoreQueryParameters.fromNameAndType(DeliveryTopology.HISTORY_STORE, QueryableStoreTypes.keyValueStore());
        if (partition != null) {
            query = query.withPartition(partition);
        }
        if (allowStandby) {
            query = query.enableStaleStores();
        }
        List<StatusTransition> entries = new ArrayList<>();
        try (KeyValueIterator<String, StatusTransition> range = streams().store(query)
                .range(DeliveryHistory.key(orderId, from), DeliveryHistory.key(orderId, to - 1))) {
            range.forEachRemaining(entry -> entries.add(entry.value));
        }
        return entries;
    }

    /** The partitions whose active task runs on this instance. */
    TreeSet<Integer> localActivePartitions() {
        TreeSet<Integer> partitions = new TreeSet<>();
        for (ThreadMetadata thread : streams().metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                partitions.add(task.taskId().partition());
            }
        }
        return partitions;
    }

    ReadOnlyKeyValueStore<String, DeliveryView> deliveries(int partition) {
        return streams().store(StoreQueryParameters
                .fromNameAndType(STORE, QueryableStoreTypes.<String, DeliveryView>keyValueStore())
                .withPartition(partition));
    }

    ReadOnlyKeyValueStore<String, Long> statusIndex(int partition) {
        return streams().store(StoreQueryParameters.fromNameAndType(DeliveryTopology.STATUS_INDEX_STORE,
                QueryableStoreTypes.<String, Long>keyValueStore()).withPartition(partition));
    }

    ErrorResponseException notQueryable(String detail) {
        return Problems.notQueryable(detail, retryAfter);
    }

    private KafkaStreams streams() {
        KafkaStreams streams = streamsFactory.getKafkaStreams();
        if (streams == null) {
            throw notQueryable("Kafka Streams is not running");
        }
        return streams;
    }
}
