package dev.outbox.delivery.query;

import dev.outbox.delivery.platform.Instance;
import dev.outbox.delivery.projection.StatusIndex;
import dev.outbox.events.delivery.DeliveryStatus;
import dev.outbox.events.delivery.DeliveryView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Pages and counts of all deliveries: scattered to every instance hosting the store (this one read directly, the
 * others asked through {@link InstanceClient} for their own active partitions) and gathered into one answer.
 */
@Service
public class DeliveryListing {

    private final DeliveryStores stores;
    private final InstanceClient instances;
    private final Instance self;

    public DeliveryListing(DeliveryStores stores, InstanceClient instances, Instance self) {
        this.stores = stores;
        this.instances = instances;
        this.self = self;
    }

    /**
     * Deliveries in order id order, after the cursor, optionally of one status, gathered from every instance's active
     * stores (each asked with {@code ?local=true}) and merged.
     */
    public Mono<DeliveryJson.Page> list(DeliveryStatus status, String after, int limit) {
        return fromEveryInstance(() -> listLocal(status, after, limit),
                host -> instances.page(host, status, after, limit))
                .map(pages -> DeliveryPages.merge(pages, limit));
    }

    /** The page from this instance's active stores only. */
    public DeliveryJson.Page listLocal(DeliveryStatus status, String after, int limit) {
        List<DeliveryJson.Page> pages = new ArrayList<>();
        try {
            for (int partition : stores.localActivePartitions()) {
                ReadOnlyKeyValueStore<String, DeliveryView> store = stores.deliveries(partition);
                ReadOnlyKeyValueStore<String, Long> index = status == null ? null : stores.statusIndex(partition);
                pages.add(index != null && index.get(StatusIndex.READY_KEY) != null
                        ? DeliveryPages.indexed(index, store, status, after, limit)
                        : DeliveryPages.scan(store, status, after, limit));
            }
        } catch (InvalidStateStoreException e) {
            throw stores.notQueryable("a partition of the deliveries store on " + self.id()
                    + " is not queryable right now");
        }
        return DeliveryPages.merge(pages, limit);
    }

    /**
     * How many deliveries there are of each status, summed over every instance's active partitions. {@code complete}
     * is false while a partition is not indexed yet (right after an upgrade) or an instance could not be asked.
     */
    public Mono<DeliveryJson.Counts> counts() {
        return fromEveryInstance(this::countsLocal, instances::counts).map(DeliveryJson.Counts::sum);
    }

    /** The counts of this instance's active partitions, from the status index: a few gets per partition. */
    public DeliveryJson.Counts countsLocal() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (DeliveryStatus status : DeliveryStatus.values()) {
            counts.put(status.name(), 0L);
        }
        boolean complete = true;
        try {
            for (int partition : stores.localActivePartitions()) {
                ReadOnlyKeyValueStore<String, Long> index = stores.statusIndex(partition);
                for (DeliveryStatus status : DeliveryStatus.values()) {
                    Long count = StatusIndex.count(index, status);
                    if (count == null) {
                        complete = false;
                    } else {
                        counts.merge(status.name(), count, Long::sum);
                    }
                }
            }
        } catch (InvalidStateStoreException e) {
            throw stores.notQueryable("a partition of the status index on " + self.id()
                    + " is not queryable right now");
        }
        return new DeliveryJson.Counts(counts, complete);
    }

    /**
     * Asks every instance hosting the deliveries store: this one directly, the others over HTTP. A 503 problem when
     * Streams is not running or no instance hosts the store.
     */
    private <T> Mono<List<T>> fromEveryInstance(Supplier<T> local, Function<HostInfo, Mono<T>> remote) {
        return Mono.defer(() -> {
            Collection<StreamsMetadata> hosting = stores.instances();
            if (hosting.isEmpty()) {
                return Mono.error(stores.notQueryable("no instance hosts the deliveries store right now"));
            }
            return Flux.fromIterable(hosting)
                    .flatMap(instance -> self.is(instance.hostInfo())
                            ? Mono.fromCallable(local::get)
                            : remote.apply(instance.hostInfo()))
                    .collectList();
        });
    }
}
