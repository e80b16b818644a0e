package dev.outbox.delivery.query;

import dev.outbox.delivery.feed.StatusChanges;
import dev.outbox.delivery.platform.DeliveryProperties;
import dev.outbox.delivery.platform.Headers;
import dev.outbox.delivery.platform.Instance;
import dev.outbox.delivery.platform.OrderIds;
import dev.outbox.delivery.platform.Problems;
import dev.outbox.delivery.query.Lookup.Found;
import dev.outbox.delivery.query.Lookup.Relayed;
import dev.outbox.events.delivery.DeliveryStatus;
import dev.outbox.events.delivery.DeliveryStatusChanged;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * Reads of the delivery projection: one delivery, a page of its history, a page of deliveries, and a live stream of
 * one delivery's status changes. {@code local=true} (with {@code stale=true}) is for requests forwarded by another
 * instance.
 */
@RestController
public class DeliveryQueryController {

    private static final Logger log = LoggerFactory.getLogger(DeliveryQueryController.class);
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);
    /**
     * Status changes held for one SSE client that has not taken them yet. A client that lets more pile up does not
     * keep up: its stream ends (an EventSource reconnects and starts again from the current status).
     */
    static final int MAX_PENDING_CHANGES = 256;

    private final DeliveryQueries queries;
    private final DeliveryListing listing;
    private final StatusChanges statusChanges;
    private final Instance self;
    private final int maxPageSize;

    public DeliveryQueryController(DeliveryQueries queries, DeliveryListing listing, StatusChanges statusChanges,
                                   Instance self, DeliveryProperties properties) {
        this.queries = queries;
        this.listing = listing;
        this.statusChanges = statusChanges;
        this.self = self;
        this.maxPageSize = properties.query().maxPageSize();
    }

    @GetMapping("/deliveries/{orderId}")
    public Mono<ResponseEntity<Object>> delivery(@PathVariable String orderId,
                                                 @RequestParam(defaultValue = "false") boolean local,
                                                 @RequestParam(defaultValue = "false") boolean stale,
                                                 @RequestHeader(name = Headers.ROUTED_BY, required = false) String routedBy,
                                                 ServerHttpRequest request) {
        String id = OrderIds.canonical(orderId, "orderId");
        if (local || routedBy != null) {
            // forwarded by another instance: answer from here, never forward again (no loops)
            return Mono.fromSupplier(() -> response(queries.findLocal(id, stale)))
                    .onErrorResume(DeliveryQueryController::isNotFound, e -> notFound(e, request));
        }
        return queries.find(id).map(this::response)
                .onErrorResume(DeliveryQueryController::isNotFound, e -> notFound(e, request));
    }

    /**
     * A page of the delivery's whole history, oldest first ({@code from} counts from 0). The view carries only the
     * latest entries and {@code historySize}; this pages through all of them.
     */
    @GetMapping("/deliveries/{orderId}/history")
    public Mono<ResponseEntity<Object>> history(@PathVariable String orderId,
                                                @RequestParam(defaultValue = "0") long from,
                                                @RequestParam(defaultValue = "50") int limit,
                                                @RequestParam(defaultValue = "false") boolean local,
                                                @RequestParam(defaultValue = "false") boolean stale,
                                                @RequestHeader(name = Headers.ROUTED_BY, required = false) String routedBy,
                                                ServerHttpRequest request) {
        String id = OrderIds.canonical(orderId, "orderId");
        if (from < 0) {
            throw Problems.badRequest("from must be 0 or more, was " + from);
        }
        if (limit < 1 || limit > maxPageSize) {
            throw Problems.badRequest("limit must be between 1 and " + maxPageSize + ", was " + limit);
        }
        if (local || routedBy != null) {
            return Mono.fromSupplier(() -> response(queries.historyLocal(id, from, limit, stale)))
                    .onErrorResume(DeliveryQueryController::isNotFound, e -> notFound(e, request));
        }
        return queries.history(id, from, limit).map(this::response)
                .onErrorResume(DeliveryQueryController::isNotFound, e -> notFound(e, request));
    }

    private static boolean isNotFound(Throwable e) {
        return e instanceof ErrorResponseException problem && problem.getStatusCode().value() == 404;
    }

    /**
     * "Not projected yet" is the everyday answer to a client polling for the order it just placed, so it leaves here
     * as a value, the same problem the {@code ProblemHandler} would write. As an error it would cross WebFlux's
     * checkpoints, which record where it passed: measured, that made a 404 cost twice the CPU of a 200.
     */
    private static Mono<ResponseEntity<Object>> notFound(Throwable error, ServerHttpRequest request) {
        ErrorResponseException problem = (ErrorResponseException) error;
        ProblemDetail body = problem.getBody();
        if (body.getInstance() == null) {
            body.setInstance(URI.create(request.getPath().value()));
        }
        return Mono.just(ResponseEntity.status(problem.getStatusCode()).headers(problem.getHeaders())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body));
    }

    @GetMapping("/deliveries")
    public Mono<DeliveryJson.Page> deliveries(@RequestParam(required = false) String status,
                                              @RequestParam(required = false) String after,
                                              @RequestParam(defaultValue = "50") int limit,
                                              @RequestParam(defaultValue = "false") boolean local) {
        DeliveryStatus wanted = status == null || status.isBlank() ? null : parseStatus(status);
        String cursor = after == null || after.isBlank() ? null : OrderIds.canonical(after, "after");
        if (limit < 1 || limit > maxPageSize) {
            throw Problems.badRequest("limit must be between 1 and " + maxPageSize + ", was " + limit);
        }
        if (local) {
            return Mono.fromSupplier(() -> listing.listLocal(wanted, cursor, limit));
        }
        return listing.list(wanted, cursor, limit);
    }

    /** How many deliveries there are of each status (from the status index: no scan). */
    @GetMapping("/deliveries/counts")
    public Mono<DeliveryJson.Counts> counts(@RequestParam(defaultValue = "false") boolean local) {
        if (local) {
            return Mono.fromSupplier(listing::countsLocal);
        }
        return listing.counts();
    }

    /**
     * Server-sent events: first {@code status} (where the delivery stands), then one {@code status-changed} per
     * history entry as they are published, from this instance's feed of {@code delivery.status} (so it works
     * whichever instance is asked). An unknown delivery is a 404 problem, one that cannot be read right now a 503,
     * as for {@code GET /deliveries/{id}}. A client that does not keep up (more than {@value #MAX_PENDING_CHANGES}
     * changes waiting for it) is disconnected: its stream ends, so nothing piles up for it.
     */
    @GetMapping(path = "/deliveries/{orderId}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public Flux<ServerSentEvent<Object>> events(@PathVariable String orderId) {
        String id = OrderIds.canonical(orderId, "orderId");
        return Flux.defer(() -> {
            // listen before reading the current state, so nothing published in between is lost; what the state
            // already contains is filtered out below. The buffer between the feed and the client is bounded: when
            // it is full, the client is cut off (the feed never waits for a client)
            Sinks.Many<DeliveryStatusChanged> live = Sinks.many().unicast()
                    .onBackpressureBuffer(Queues.<DeliveryStatusChanged>get(MAX_PENDING_CHANGES).get());
            Sinks.One<Boolean> fellBehind = Sinks.one();
            Disposable listening = statusChanges.of(id).subscribe(change -> {
                if (live.tryEmitNext(change) == Sinks.EmitResult.FAIL_OVERFLOW
                        && fellBehind.tryEmitValue(true).isSuccess()) {
                    log.info("SSE client of order {} does not keep up ({} changes waiting): disconnecting it", id,
                            MAX_PENDING_CHANGES);
                }
            });
            return queries.current(id)
                    // an error here, before the first event, is still answered as a problem (404, 503)
                    .flatMap(current -> current.map(Mono::just)
                            .orElseGet(() -> Mono.error(Problems.deliveryNotFound(id, self.id()))))
                    .flatMapMany(current -> Flux.concat(first(current), live.asFlux()
                            .filter(notIn(current))
                            .map(change -> ServerSentEvent.<Object>builder(DeliveryJson.of(change))
                                    .event("status-changed")
                                    .id(change.getTransition().getEventId().toString())
                                    .build())))
                    .mergeWith(Flux.interval(HEARTBEAT)
                            .onBackpressureDrop() // a stalled client misses heartbeats, it does not queue them
                            .map(tick -> ServerSentEvent.builder().comment("keep-alive").build()))
                    .takeUntilOther(fellBehind.asMono())
                    .doFinally(signal -> listening.dispose());
        });
    }

    private static Flux<ServerSentEvent<Object>> first(DeliveryJson.Delivery current) {
        return Flux.just(ServerSentEvent.<Object>builder(
                new DeliveryJson.CurrentStatus(current.orderId(), current.status(), current.updatedAt()))
                .event("status").build());
    }

    /** Drops live changes the first event's state already includes (the store is read before commit). */
    private static Predicate<DeliveryStatusChanged> notIn(DeliveryJson.Delivery current) {
        Set<String> shown = current.history().stream().map(t -> t.eventId() + "/" + t.cause())
                .collect(Collectors.toSet());
        return change -> !shown.contains(change.getTransition().getEventId() + "/" + change.getTransition().getCause());
    }

    private ResponseEntity<Object> response(Lookup<?> answer) {
        if (answer instanceof Found<?> found) {
            return ResponseEntity.ok()
                    .header(Headers.SERVED_BY, found.servedBy())
                    .header(Headers.SERVED_FROM, found.servedFrom())
                    .body(found.body());
        }
        Relayed<?> relayed = (Relayed<?>) answer;
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(relayed.status())
                .header(Headers.ROUTED_BY, self.id());
        if (relayed.contentType() != null) {
            builder.contentType(relayed.contentType());
        }
        if (relayed.servedBy() != null) {
            builder.header(Headers.SERVED_BY, relayed.servedBy());
        }
        if (relayed.servedFrom() != null) {
            builder.header(Headers.SERVED_FROM, relayed.servedFrom());
        }
        if (relayed.retryAfter() != null) {
            builder.header("Retry-After", relayed.retryAfter());
        }
        return builder.body(relayed.body());
    }

    private static DeliveryStatus parseStatus(String status) {
        try {
            return DeliveryStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Problems.badRequest("status must be one of " + Arrays.toString(DeliveryStatus.values())
                    + ", was '" + status + "'");
        }
    }
}
