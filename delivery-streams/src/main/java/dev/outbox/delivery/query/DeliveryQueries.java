package dev.outbox.delivery.query;

import dev.outbox.delivery.platform.DeliveryProperties;
import dev.outbox.delivery.platform.Headers;
import dev.outbox.delivery.platform.Instance;
import dev.outbox.delivery.platform.Problems;
import dev.outbox.delivery.query.Answer.Found;
import dev.outbox.delivery.query.Answer.Relayed;
import dev.outbox.events.delivery.DeliveryView;
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
 * Interactive queries of one delivery, wherever it lives.
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
            KeyQueryMetadata metadata = stores.hostsOf(orderId);
            if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
                return Mono.error(stores.notQueryable("no instance owns the partition of order " + orderId
                        + " right now"));
            }
            if (self.is(metadata.activeHost())) {
                try {
                    return Mono.just(found(orderId, stores.read(orderId, metadata.partition(), false), ACTIVE));
                } catch (InvalidStateStoreException e) {
                    log.debug("Local active store not queryable for {}: {}", orderId, e.getMessage());
                    return fromStandbys(metadata, orderId);
                }
            }
            return instances.delivery(metadata.activeHost(), orderId, false)
                    .onErrorResume(DeliveryQueries::unreachable, e -> {
                        log.info("Owner {} of order {} did not answer ({}); trying standbys",
                                Instance.id(metadata.activeHost()), orderId, e.toString());
                        return fromStandbys(metadata, orderId);
                    });
        });
    }

    /**
     * Answers a forwarded request from this instance's stores only: the active copy, or with {@code allowStandby}
     * also a standby copy.
     */
    public Answer findLocal(String orderId, boolean allowStandby) {
        KeyQueryMetadata metadata = stores.hostsOf(orderId);
        boolean known = metadata != null && !KeyQueryMetadata.NOT_AVAILABLE.equals(metadata);
        String servedFrom = known && self.is(metadata.activeHost()) ? ACTIVE : STANDBY;
        try {
            return found(orderId, stores.read(orderId, known ? metadata.partition() : null, allowStandby),
                    servedFrom);
        } catch (InvalidStateStoreException e) {
            throw stores.notQueryable("this instance holds no queryable copy of order " + orderId + "'s partition");
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
            return Mono.error(stores.notQueryable("the instance holding order " + orderId + " answered "
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

    private Mono<Answer> fromStandbys(KeyQueryMetadata metadata, String orderId) {
        return Flux.fromIterable(metadata.standbyHosts())
                .concatMap(host -> self.is(host)
                        ? Mono.fromCallable(() -> found(orderId, stores.read(orderId, metadata.partition(), true),
                                STANDBY)).onErrorResume(InvalidStateStoreException.class, e -> Mono.empty())
                        : instances.delivery(host, orderId, true)
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
