package dev.outbox.delivery.query;

import dev.outbox.delivery.platform.DeliveryProperties;
import dev.outbox.delivery.platform.Instance;
import dev.outbox.delivery.projection.DeliveryTopology;
import dev.outbox.delivery.projection.StatusIndex;
import dev.outbox.delivery.platform.Headers;
import dev.outbox.delivery.platform.Problems;
import dev.outbox.events.delivery.DeliveryStatus;
import dev.outbox.events.delivery.DeliveryView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Interactive queries of the {@code deliveries} store, across instances.
 *
 * <p>A key lives in one partition, whose store is active on one instance (and, with standby replicas, copied on
 * others). {@code queryMetadataForKey} says which: if it is this instance, the store is read right here (a RocksDB
 * get, no thread hop: this is the hot path); otherwise the request is forwarded to the owner with
 * {@code ?local=true}, which answers from its own store only, so a request is forwarded at most once. When the owner
 * cannot answer (down, or its partition moving), a standby is read instead, with stale stores allowed: a slightly
 * old answer, said so in {@code X-Served-From: standby}, beats none.
 */
@Service
public class DeliveryQueries {

    private static final Logger log = LoggerFactory.getLogger(DeliveryQueries.class);
    private static final Serializer<String> KEYS = new StringSerializer();
    private static final String STORE = DeliveryTopology.DELIVERIES_STORE;
    static final String ACTIVE = "active";
    static final String STANDBY = "standby";

    /** What a lookup found. */
    public sealed interface Answer {
    }

    /** Read from this instance's store. */
    public record Found(DeliveryView view, String servedBy, String servedFrom) implements Answer {
    }

    /** The answer of the instance the request was forwarded to, passed on as is. */
    public record Relayed(int status, MediaType contentType, byte[] body, String servedBy, String servedFrom,
                          String retryAfter) implements Answer {
    }

    private final StreamsBuilderFactoryBean streamsFactory;
    private final Instance self;
    private final WebClient client;
    private final JsonMapper json;
    private final Duration forwardTimeout;
    private final Duration retryAfter;
    /** Looks again every {@link #UNAVAILABLE_POLL}, this many times, while a partition is not queryable. */
    private final long unavailableRetries;
    private static final Duration UNAVAILABLE_POLL = Duration.ofMillis(50);

    public DeliveryQueries(StreamsBuilderFactoryBean streamsFactory, Instance self, DeliveryProperties properties,
                           JsonMapper json) {
        this.streamsFactory = streamsFactory;
        this.self = self;
        this.json = json;
        this.forwardTimeout = properties.query().forwardTimeout();
        this.retryAfter = properties.query().retryAfter();
        this.unavailableRetries = Math.max(0, properties.query().unavailableWait().toMillis() / UNAVAILABLE_POLL.toMillis());
        this.client = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create().responseTimeout(forwardTimeout)))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
                .build();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // one delivery

    /**
     * Finds the delivery wherever it lives. Errors are problems: 404 when unknown, 503 when not queryable. A rebalance
     * leaves a partition without a queryable copy for a moment (its new owner restoring, its standby recycled into
     * that owner), so a 503 is answered only once that lasts longer than {@code delivery.query.unavailable-wait}.
     */
    public Mono<Answer> find(String orderId) {
        return findOnce(orderId).retryWhen(Retry.fixedDelay(unavailableRetries, UNAVAILABLE_POLL)
                .filter(DeliveryQueries::isNotQueryable)
                .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
    }

    private static boolean isNotQueryable(Throwable e) {
        return e instanceof ErrorResponseException problem && problem.getStatusCode().value() == 503;
    }

    private Mono<Answer> findOnce(String orderId) {
        return Mono.defer(() -> {
            KafkaStreams streams = streams();
            KeyQueryMetadata metadata = metadataFor(streams, orderId);
            if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
                return Mono.error(notQueryable("no instance owns the partition of order " + orderId + " right now"));
            }
            if (self.is(metadata.activeHost())) {
                try {
                    return Mono.just(found(orderId, read(streams, orderId, metadata.partition(), false), ACTIVE));
                } catch (InvalidStateStoreException e) {
                    log.debug("Local active store not queryable for {}: {}", orderId, e.getMessage());
                    return fromStandbys(streams, metadata, orderId);
                }
            }
            return forward(metadata.activeHost(), orderId, false)
                    .onErrorResume(DeliveryQueries::unreachable, e -> {
                        log.info("Owner {} of order {} did not answer ({}); trying standbys",
                                Instance.id(metadata.activeHost()), orderId, e.toString());
                        return fromStandbys(streams, metadata, orderId);
                    });
        });
    }

    /**
     * Answers a forwarded request from this instance's stores only: the active copy, or with {@code allowStandby}
     * also a standby copy.
     */
    public Answer findLocal(String orderId, boolean allowStandby) {
        KafkaStreams streams = streams();
        KeyQueryMetadata metadata = metadataFor(streams, orderId);
        boolean known = metadata != null && !KeyQueryMetadata.NOT_AVAILABLE.equals(metadata);
        String servedFrom = known && self.is(metadata.activeHost()) ? ACTIVE : STANDBY;
        try {
            return found(orderId, read(streams, orderId, known ? metadata.partition() : null, allowStandby), servedFrom);
        } catch (InvalidStateStoreException e) {
            throw notQueryable("this instance holds no queryable copy of order " + orderId + "'s partition");
        }
    }

    /**
     * The delivery as JSON (for the SSE stream's first event), or empty when there is no such delivery. When it
     * cannot be read right now the error is passed on (a 503 problem), so the caller does not take "unreadable" for
     * "unknown".
     */
    public Mono<Optional<DeliveryJson.Delivery>> current(String orderId) {
        return find(orderId).flatMap(answer -> {
            if (answer instanceof Found found) {
                return Mono.just(Optional.of(DeliveryJson.of(found.view())));
            }
            Relayed relayed = (Relayed) answer;
            if (relayed.status() == 200) {
                return Mono.just(Optional.of(json.readValue(relayed.body(), DeliveryJson.Delivery.class)));
            }
            if (relayed.status() == 404) {
                return Mono.just(Optional.<DeliveryJson.Delivery>empty());
            }
            log.warn("Owner {} answered {} for the delivery of order {}", relayed.servedBy(), relayed.status(),
                    orderId);
            return Mono.error(notQueryable("the instance holding order " + orderId + " answered "
                    + relayed.status()));
        }).onErrorResume(e -> e instanceof ErrorResponseException problem
                && problem.getStatusCode().value() == 404, e -> Mono.just(Optional.empty()));
    }

    private Answer found(String orderId, DeliveryView view, String servedFrom) {
        if (view == null) {
            ErrorResponseException notFound = Problems.deliveryNotFound(orderId, self.id());
            notFound.getHeaders().set(Headers.SERVED_FROM, servedFrom);
            throw notFound;
        }
        return new Found(view, self.id(), servedFrom);
    }

    private Mono<Answer> fromStandbys(KafkaStreams streams, KeyQueryMetadata metadata, String orderId) {
        return Flux.fromIterable(metadata.standbyHosts())
                .concatMap(host -> self.is(host)
                        ? Mono.fromCallable(() -> found(orderId, read(streams, orderId, metadata.partition(), true),
                                STANDBY)).onErrorResume(InvalidStateStoreException.class, e -> Mono.empty())
                        : forward(host, orderId, true).onErrorResume(DeliveryQueries::unreachable, e -> Mono.empty()))
                .next()
                .switchIfEmpty(Mono.error(() -> notQueryable("neither the owner nor a standby of order " + orderId
                        + "'s partition can answer right now")));
    }

    private DeliveryView read(KafkaStreams streams, String orderId, Integer partition, boolean allowStandby) {
        StoreQueryParameters<ReadOnlyKeyValueStore<String, DeliveryView>> query =
                StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.keyValueStore());
        if (partition != null) {
            query = query.withPartition(partition);
        }
        if (allowStandby) {
            query = query.enableStaleStores();
        }
        return streams.store(query).get(orderId);
    }

    private Mono<Answer> forward(HostInfo host, String orderId, boolean allowStandby) {
        return client.get()
                .uri("http://{host}:{port}/deliveries/{orderId}?local=true&stale={stale}", host.host(), host.port(),
                        orderId, allowStandby)
                .header(Headers.ROUTED_BY, self.id())
                .exchangeToMono(response -> response.bodyToMono(byte[].class)
                        .defaultIfEmpty(new byte[0])
                        .map(body -> (Answer) new Relayed(response.statusCode().value(),
                                response.headers().contentType().orElse(null), body,
                                response.headers().asHttpHeaders().getFirst(Headers.SERVED_BY),
                                response.headers().asHttpHeaders().getFirst(Headers.SERVED_FROM),
                                response.headers().asHttpHeaders().getFirst("Retry-After"))))
                .timeout(forwardTimeout)
                .flatMap(answer -> ((Relayed) answer).status() >= 500
                        ? Mono.error(new InstanceUnavailableException(Instance.id(host) + " answered "
                        + ((Relayed) answer).status()))
                        : Mono.just(answer));
    }

    /** Connection refused, timeout, 5xx: try another copy. A problem thrown here (404 ...) is a real answer. */
    private static boolean unreachable(Throwable e) {
        return !(e instanceof ErrorResponseException);
    }

    /** Another instance could not give an answer. */
    static final class InstanceUnavailableException extends RuntimeException {
        InstanceUnavailableException(String message) {
            super(message);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // lists

    /**
     * Deliveries in order id order, after the cursor, optionally of one status, gathered from every instance's active
     * stores (each asked with {@code ?local=true}) and merged.
     */
    public Mono<DeliveryJson.Page> list(DeliveryStatus status, String after, int limit) {
        return fromEveryInstance(() -> listLocal(status, after, limit), host -> fetchPage(host, status, after, limit))
                .map(pages -> merge(pages, limit));
    }

    /**
     * Asks every instance hosting the deliveries store: this one directly, the others over HTTP. A 503 problem when
     * Streams is not running or no instance hosts the store.
     */
    private <T> Mono<List<T>> fromEveryInstance(java.util.function.Supplier<T> local,
                                                java.util.function.Function<HostInfo, Mono<T>> remote) {
        return Mono.defer(() -> {
            Collection<StreamsMetadata> instances;
            try {
                instances = streams().streamsMetadataForStore(STORE);
            } catch (InvalidStateStoreException | IllegalStateException e) {
                return Mono.error(notQueryable("Kafka Streams is not running: " + e.getMessage()));
            }
            if (instances.isEmpty()) {
                return Mono.error(notQueryable("no instance hosts the deliveries store right now"));
            }
            return Flux.fromIterable(instances)
                    .flatMap(instance -> self.is(instance.hostInfo())
                            ? Mono.fromCallable(local::get)
                            : remote.apply(instance.hostInfo()))
                    .collectList();
        });
    }

    /** The page from this instance's active stores only. */
    public DeliveryJson.Page listLocal(DeliveryStatus status, String after, int limit) {
        KafkaStreams streams = streams();
        TreeSet<Integer> partitions = localActivePartitions(streams);
        List<DeliveryJson.Page> pages = new ArrayList<>();
        try {
            for (int partition : partitions) {
                ReadOnlyKeyValueStore<String, DeliveryView> store = streams.store(StoreQueryParameters
                        .fromNameAndType(STORE, QueryableStoreTypes.<String, DeliveryView>keyValueStore())
                        .withPartition(partition));
                ReadOnlyKeyValueStore<String, Long> index = status == null ? null : indexOf(streams, partition);
                pages.add(index != null && index.get(StatusIndex.READY_KEY) != null
                        ? indexed(index, store, status, after, limit)
                        : scan(store, status, after, limit));
            }
        } catch (InvalidStateStoreException e) {
            throw notQueryable("a partition of the deliveries store on " + self.id() + " is not queryable right now");
        }
        return merge(pages, limit);
    }

    /**
     * How many deliveries there are of each status, summed over every instance's active partitions. {@code complete}
     * is false while a partition is not indexed yet (right after an upgrade) or an instance could not be asked.
     */
    public Mono<DeliveryJson.Counts> counts() {
        return fromEveryInstance(this::countsLocal, this::fetchCounts).map(DeliveryJson.Counts::sum);
    }

    /** The counts of this instance's active partitions, from the status index: a few gets per partition. */
    public DeliveryJson.Counts countsLocal() {
        KafkaStreams streams = streams();
        Map<String, Long> counts = new LinkedHashMap<>();
        for (DeliveryStatus status : DeliveryStatus.values()) {
            counts.put(status.name(), 0L);
        }
        boolean complete = true;
        try {
            for (int partition : localActivePartitions(streams)) {
                ReadOnlyKeyValueStore<String, Long> index = indexOf(streams, partition);
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
            throw notQueryable("a partition of the status index on " + self.id() + " is not queryable right now");
        }
        return new DeliveryJson.Counts(counts, complete);
    }

    private Mono<DeliveryJson.Counts> fetchCounts(HostInfo host) {
        return client.get()
                .uri(uri -> uri.scheme("http").host(host.host()).port(host.port()).path("/deliveries/counts")
                        .queryParam("local", true).build())
                .header(Headers.ROUTED_BY, self.id())
                .retrieve()
                .bodyToMono(DeliveryJson.Counts.class)
                .timeout(forwardTimeout)
                .onErrorResume(e -> {
                    log.info("Instance {} could not count its deliveries: {}", Instance.id(host), e.toString());
                    return Mono.just(new DeliveryJson.Counts(Map.of(), false));
                });
    }

    private static TreeSet<Integer> localActivePartitions(KafkaStreams streams) {
        TreeSet<Integer> partitions = new TreeSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                partitions.add(task.taskId().partition());
            }
        }
        return partitions;
    }

    private static ReadOnlyKeyValueStore<String, Long> indexOf(KafkaStreams streams, int partition) {
        return streams.store(StoreQueryParameters.fromNameAndType(DeliveryTopology.STATUS_INDEX_STORE,
                QueryableStoreTypes.<String, Long>keyValueStore()).withPartition(partition));
    }

    /**
     * One partition's deliveries of one status, from the status index: a range read of that status's entries and a
     * get per delivery on the page, however many deliveries the partition holds.
     */
    static DeliveryJson.Page indexed(ReadOnlyKeyValueStore<String, Long> index,
                                     ReadOnlyKeyValueStore<String, DeliveryView> store, DeliveryStatus status,
                                     String after, int limit) {
        List<DeliveryJson.Delivery> items = new ArrayList<>();
        boolean more = false;
        try (KeyValueIterator<String, Long> it = index.range(StatusIndex.rangeStart(status, after),
                StatusIndex.rangeEnd(status))) {
            while (it.hasNext()) {
                String orderId = StatusIndex.orderIdOf(it.next().key);
                if (orderId.equals(after)) {
                    continue;
                }
                DeliveryView view = store.get(orderId);
                if (view == null || view.getStatus() != status) {
                    continue; // not possible within one task's committed state; never shown wrong if it were
                }
                if (items.size() == limit) {
                    more = true;
                    break;
                }
                items.add(DeliveryJson.of(view));
            }
        }
        return new DeliveryJson.Page(items, more ? items.get(items.size() - 1).orderId() : null);
    }

    /** One partition's matches in key order: up to {@code limit}, with a cursor when there are more. */
    private static DeliveryJson.Page scan(ReadOnlyKeyValueStore<String, DeliveryView> store, DeliveryStatus status,
                                          String after, int limit) {
        List<DeliveryJson.Delivery> items = new ArrayList<>();
        boolean more = false;
        try (KeyValueIterator<String, DeliveryView> it = after == null ? store.all() : store.range(after, null)) {
            while (it.hasNext()) {
                KeyValue<String, DeliveryView> entry = it.next();
                if (entry.key.equals(after) || (status != null && entry.value.getStatus() != status)) {
                    continue;
                }
                if (items.size() == limit) {
                    more = true;
                    break;
                }
                items.add(DeliveryJson.of(entry.value));
            }
        }
        return new DeliveryJson.Page(items, more ? items.get(items.size() - 1).orderId() : null);
    }

    /**
     * Merges pages sorted by order id into one of at most {@code limit}. There are more when the merge overflows or
     * any page had more (those lie after all of that page's items, hence after the merged page's last).
     */
    static DeliveryJson.Page merge(List<DeliveryJson.Page> pages, int limit) {
        List<DeliveryJson.Delivery> all = new ArrayList<>();
        boolean more = false;
        for (DeliveryJson.Page page : pages) {
            all.addAll(page.items());
            more |= page.next() != null;
        }
        all.sort(Comparator.comparing(DeliveryJson.Delivery::orderId));
        more |= all.size() > limit;
        List<DeliveryJson.Delivery> items = all.size() > limit ? List.copyOf(all.subList(0, limit)) : all;
        return new DeliveryJson.Page(items, more && !items.isEmpty() ? items.get(items.size() - 1).orderId() : null);
    }

    private Mono<DeliveryJson.Page> fetchPage(HostInfo host, DeliveryStatus status, String after, int limit) {
        return client.get()
                .uri(uri -> {
                    uri.scheme("http").host(host.host()).port(host.port()).path("/deliveries")
                            .queryParam("local", true).queryParam("limit", limit);
                    if (status != null) {
                        uri.queryParam("status", status.name());
                    }
                    if (after != null) {
                        uri.queryParam("after", after);
                    }
                    return uri.build();
                })
                .header(Headers.ROUTED_BY, self.id())
                .retrieve()
                .bodyToMono(DeliveryJson.Page.class)
                .timeout(forwardTimeout)
                .onErrorMap(e -> !(e instanceof ErrorResponseException),
                        e -> notQueryable("instance " + Instance.id(host) + " could not list its deliveries: "
                                + e.getMessage()));
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Null-safe against a client that is starting or stopping: those are "not queryable", not errors. */
    private KeyQueryMetadata metadataFor(KafkaStreams streams, String orderId) {
        try {
            return streams.queryMetadataForKey(STORE, orderId, KEYS);
        } catch (InvalidStateStoreException | IllegalStateException e) {
            throw notQueryable("Kafka Streams is not running: " + e.getMessage());
        }
    }

    private KafkaStreams streams() {
        KafkaStreams streams = streamsFactory.getKafkaStreams();
        if (streams == null) {
            throw notQueryable("Kafka Streams is not running");
        }
        return streams;
    }

    private ErrorResponseException notQueryable(String detail) {
        return Problems.notQueryable(detail, retryAfter);
    }
}
