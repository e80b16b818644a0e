package dev.outbox.delivery.query;

import dev.outbox.delivery.platform.DeliveryProperties;
import dev.outbox.delivery.platform.Headers;
import dev.outbox.delivery.platform.Instance;
import dev.outbox.delivery.platform.Problems;
import dev.outbox.events.delivery.DeliveryStatus;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Asks another instance for what only its stores hold, with {@code ?local=true} (and {@link Headers#ROUTED_BY}), so
 * that it answers from its own stores and never forwards again: one delivery or a page of its history, one page of
 * deliveries, the counts. Each call is bounded by {@code delivery.query.forward-timeout}; bodies up to 16 MiB (a page
 * of the largest size).
 */
@Component
public class InstanceClient {

    private static final Logger log = LoggerFactory.getLogger(InstanceClient.class);

    /** Another instance could not give an answer. */
    static final class InstanceUnavailableException extends RuntimeException {
        InstanceUnavailableException(String message) {
            super(message);
        }
    }

    private final Instance self;
    private final Duration timeout;
    private final Duration retryAfter;
    private final WebClient client;

    public InstanceClient(Instance self, DeliveryProperties properties) {
        this.self = self;
        this.timeout = properties.query().forwardTimeout();
        this.retryAfter = properties.query().retryAfter();
        this.client = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create().responseTimeout(timeout)))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
                .build();
    }

    /**
     * The other instance's answer to {@code path} (a lookup of one order's data, with its query string if any),
     * passed on as is; fails with {@link InstanceUnavailableException} when it answers 5xx, or as the connection
     * failed.
     */
    <T> Mono<Lookup<T>> relay(HostInfo host, String path, boolean allowStandby) {
        return client.get()
                .uri("http://" + host.host() + ":" + host.port() + path + (path.contains("?") ? "&" : "?")
                        + "local=true&stale=" + allowStandby)
                .header(Headers.ROUTED_BY, self.id())
                .exchangeToMono(response -> response.bodyToMono(byte[].class)
                        .defaultIfEmpty(new byte[0])
                        .map(body -> new Lookup.Relayed<T>(response.statusCode().value(),
                                response.headers().contentType().orElse(null), body,
                                response.headers().asHttpHeaders().getFirst(Headers.SERVED_BY),
                                response.headers().asHttpHeaders().getFirst(Headers.SERVED_FROM),
                                response.headers().asHttpHeaders().getFirst("Retry-After"))))
                .timeout(timeout)
                .flatMap(answer -> answer.status() >= 500
                        ? Mono.error(new InstanceUnavailableException(Instance.id(host) + " answered "
                        + answer.status()))
                        : Mono.<Lookup<T>>just(answer));
    }

    /** The other instance's page; a 503 problem when it cannot be had. */
    Mono<DeliveryJson.Page> page(HostInfo host, DeliveryStatus status, String after, int limit) {
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
                .timeout(timeout)
                .onErrorMap(e -> !(e instanceof ErrorResponseException),
                        e -> Problems.notQueryable("instance " + Instance.id(host) + " could not list its deliveries: "
                                + e.getMessage(), retryAfter));
    }

    /** The other instance's counts; when it cannot be asked, none and {@code complete: false}. */
    Mono<DeliveryJson.Counts> counts(HostInfo host) {
        return client.get()
                .uri(uri -> uri.scheme("http").host(host.host()).port(host.port()).path("/deliveries/counts")
                        .queryParam("local", true).build())
                .header(Headers.ROUTED_BY, self.id())
                .retrieve()
                .bodyToMono(DeliveryJson.Counts.class)
                .timeout(timeout)
                .onErrorResume(e -> {
                    log.info("Instance {} could not count its deliveries: {}", Instance.id(host), e.toString());
                    return Mono.just(new DeliveryJson.Counts(Map.of(), false));
                });
    }
}
