package dev.outbox.delivery.query;

import dev.outbox.delivery.platform.DeliveryProperties;
import dev.outbox.delivery.platform.Headers;
import dev.outbox.delivery.platform.Instance;
import dev.outbox.delivery.platform.Problems;
import dev.outbox.delivery.query.Lookup.Found;
import dev.outbox.delivery.query.Lookup.Relayed;
import dev.outbox.delivery.rules.Delivery;
import dev.outbox.events.delivery.DeliveryView;
import dev.outbox.events.delivery.StatusTransition;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

/**
 * Interactive queries of one delivery (its view, a page of its history), wherever it lives.
 *
 * <p>A key lives in one partition, whose store is active on one instance (and, with standby replicas, copied on
 * others). {@code queryMetadataForKey} says which ({@link DeliveryStores#hostsOf}): if it is this instance, the store
 * is read right here (a RocksDB get, no thread hop: this is the hot path); otherwise the request is forwarded to the
 * owner ({@link InstanceClient}), which answers from its own store only, so a request is forwarded at most once. When
 * the owner cannot answer (down, or its partition moving), a standby is read instead, with stale stores allowed: a
 * slightly old answer, said so in {@code X-Served-From: standby}, beats none.
 */
@Service
public class DeliveryQueries {

    private static final Logger log = LoggerFactory.getLogger(DeliveryQueries.class);
    static final String ACTIVE = "active";
    static final String STANDBY = "standby";
    private static final Duration UNAVAILABLE_POLL = Duration.ofMillis(50);

    /** How one kind of lookup reads an order's data from a copy of its partition held here; null when unknown. */
    @FunctionalInterface
    private interface LocalRead<T> {
        /** @throws InvalidStateStoreException when this instance holds no queryable copy */
        T read(String orderId, Integer partition, boolean allowStandby);
    }

    private final DeliveryStores stores;
    private final InstanceClient instances;
    private final Instance self;
    private final JsonMapper json;
    /** Looks again every {@link #UNAVAILABLE_POLL}, this many times, while a partition is not queryable. */
    private final long unavailableRetries;

    public DeliveryQueries(DeliveryStores stores, InstanceClient instances, Instance self,
                           DeliveryProperties properties, JsonMapper json) {
        this.stores = stores;
        this.instances = instances;
        this.self = self;
        this.json = json;
        this.unavailableRetries = Math.max(0,
                properties.query().unavailableWait().toMillis() / UNAVAILABLE_POLL.toMillis());
    }

    /**
     * Finds the delivery wherever it lives. Errors are problems: 404 when unknown, 503 when not queryable. A rebalance
     * leaves a partition without a queryable copy for a moment (its new owner restoring, its standby recycled into
     * that owner), so a 503 is answered only once that lasts longer than {@code delivery.query.unavailable-wait}.
     */
    public Mono<Lookup<DeliveryJson.Delivery>> find(String orderId) {
        return lookup(orderId, this::readDelivery, "/deliveries/" + orderId);
    }

    /** Entries {@code from} .. {@code from + limit - 1} of the delivery's whole history, wherever it lives. */
    public Mono<Lookup<DeliveryJson.History>> history(String orderId, long from, int limit) {
        return lookup(orderId, (id, partition, stale) -> readHistory(id, partition, stale, from, limit),
                "/deliveries/" + orderId + "/history?from=" + from + "&limit=" + limit);
    }

    /**
     * Answers a forwarded request from this instance's stores only: the active copy, or with {@code allowStandby}
     * also a standby copy.
     */
    public Lookup<DeliveryJson.Delivery> findLocal(String orderId, boolean allowStandby) {
        return lookupLocal(orderId, this::readDelivery, allowStandby);
    }

    /** {@link #history} for a forwarded request, from this instance's stores only. */
    public Lookup<DeliveryJson.History> historyLocal(String orderId, long from, int limit, boolean allowStandby) {
        return lookupLocal(orderId, (id, partition, stale) -> readHistory(id, partition, stale, from, limit),
                allowStandby);
    }

    /**
     * The delivery as JSON (for the SSE stream's first event), or empty when there is no such delivery. When it
     * cannot be read right now the error is passed on (a 503 problem), so the caller does not take "unreadable" for
     * "unknown".
     */
    public Mono<Optional<DeliveryJson.Delivery>> current(String orderId) {
        return find(orderId).flatMap(answer -> {
            if (answer instanceof Found<DeliveryJson.Delivery> found) {
                return Mono.just(Optional.of(found.body()));
            }
            Relayed<DeliveryJson.Delivery> relayed = (Relayed<DeliveryJson.Delivery>) answer;
            if (relayed.status() == 200) {
                return Mono.just(Optional.of(json.readValue(relayed.body(), DeliveryJson.Delivery.class)));
            }
            if (relayed.status() == 404) {
                return Mono.just(Optional.<DeliveryJson.Delivery>empty());
            }
            log.warn("Owner {} answered {} for the delivery of order {}", relayed.servedBy(), relayed.status(),
                    orderId);
            return Mono.error(stores.notQueryable("the instance holding order " + orderId + " answered "
                    + relayed.status()));
        }).onErrorResume(e -> e instanceof ErrorResponseException problem
                && problem.getStatusCode().value() == 404, e -> Mono.just(Optional.empty()));
    }

    private DeliveryJson.Delivery readDelivery(String orderId, Integer partition, boolean allowStandby) {
        DeliveryView view = stores.read(orderId, partition, allowStandby);
        return view == null ? null : DeliveryJson.of(view);
    }

    /**
     * The entries the view no longer holds come from the history store, the rest from the view. The view is read
     * first: entries leave it only after they were written to the history store, so none can be missed in between.
     */
    private DeliveryJson.History readHistory(String orderId, Integer partition, boolean allowStandby, long from,
                                             int limit) {
        DeliveryView view = stores.read(orderId, partition, allowStandby);
        if (view == null) {
            return null;
        }
        long total = Delivery.historySize(view);
        List<StatusTransition> inView = view.getHistory();
        long firstInView = total - inView.size();
        long end = Math.min(total, from + limit);
        List<StatusTransition> entries = new ArrayList<>();
        if (from < Math.min(end, firstInView)) {
            entries.addAll(stores.history(orderId, partition, allowStandby, from, Math.min(end, firstInView)));
        }
        for (long i = Math.max(from, firstInView); i < end; i++) {
            entries.add(inView.get((int) (i - firstInView)));
        }
        return DeliveryJson.history(orderId, total, from, entries, end < total ? end : null);
    }

    private <T> Mono<Lookup<T>> lookup(String orderId, LocalRead<T> read, String path) {
        return lookupOnce(orderId, read, path).retryWhen(Retry.fixedDelay(unavailableRetries, UNAVAILABLE_POLL)
                .filter(DeliveryQueries::isNotQueryable)
                .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
    }

    private static boolean isNotQueryable(Throwable e) {
        return e instanceof ErrorResponseException problem && problem.getStatusCode().value() == 503;
    }

    private <T> Mono<Lookup<T>> lookupOnce(String orderId, LocalRead<T> read, String path) {
        return Mono.defer(() -> {
            KeyQueryMetadata metadata = stores.hostsOf(orderId);
            if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
                return Mono.error(stores.notQueryable("no instance owns the partition of order " + orderId
                        + " right now"));
            }
            if (self.is(metadata.activeHost())) {
                try {
                    return Mono.just(found(orderId, read.read(orderId, metadata.partition(), false), ACTIVE));
                } catch (InvalidStateStoreException e) {
                    log.debug("Local active store not queryable for {}: {}", orderId, e.getMessage());
                    return fromStandbys(metadata, orderId, read, path);
                }
            }
            return instances.<T>relay(metadata.activeHost(), path, false)
                    .onErrorResume(DeliveryQueries::unreachable, e -> {
                        log.info("Owner {} of order {} did not answer ({}); trying standbys",
                                Instance.id(metadata.activeHost()), orderId, e.toString());
                        return fromStandbys(metadata, orderId, read, path);
                    });
        });
    }

    private <T> Lookup<T> lookupLocal(String orderId, LocalRead<T> read, boolean allowStandby) {
        KeyQueryMetadata metadata = stores.hostsOf(orderId);
        boolean known = metadata != null && !KeyQueryMetadata.NOT_AVAILABLE.equals(metadata);
        String servedFrom = known && self.is(metadata.activeHost()) ? ACTIVE : STANDBY;
        try {
            return found(orderId, read.read(orderId, known ? metadata.partition() : null, allowStandby), servedFrom);
        } catch (InvalidStateStoreException e) {
            throw stores.notQueryable("this instance holds no queryable copy of order " + orderId + "'s partition");
        }
    }

    private <T> Lookup<T> found(String orderId, T body, String servedFrom) {
        if (body == null) {
            ErrorResponseException notFound = Problems.deliveryNotFound(orderId, self.id());
            notFound.getHeaders().set(Headers.SERVED_FROM, servedFrom);
            throw notFound;
        }
        return new Found<>(body, self.id(), servedFrom);
    }

    private <T> Mono<Lookup<T>> fromStandbys(KeyQueryMetadata metadata, String orderId, LocalRead<T> read,
                                             String path) {
        return Flux.fromIterable(metadata.standbyHosts())
                .concatMap(host -> self.is(host)
                        ? Mono.fromCallable(() -> found(orderId, read.read(orderId, metadata.partition(), true),
                                STANDBY)).onErrorResume(InvalidStateStoreException.class, e -> Mono.empty())
                        : instances.<T>relay(host, path, true)
                                .onErrorResume(DeliveryQueries::unreachable, e -> Mono.empty()))
                .next()
                .switchIfEmpty(Mono.error(() -> stores.notQueryable("neither the owner nor a standby of order "
                        + orderId + "'s partition can answer right now")));
    }

    /** Connection refused, timeout, 5xx: try another copy. A problem thrown here (404 ...) is a real answer. */
    private static boolean unreachable(Throwable e) {
        return !(e instanceof ErrorResponseException);
    }
}
