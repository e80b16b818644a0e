package dev.outbox.bench;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's HTTP client: Reactor Netty on its own two event-loop threads, keep-alive connections from a pool
 * large enough that an open-loop rate never waits for one (a queue there would be the client's, not the server's).
 */
public final class LoadClient implements AutoCloseable {

    /** A status and, when asked for, the body. */
    public record Answer(int status, String body) {
    }

    private final ConnectionProvider connections = ConnectionProvider.builder("bench")
            .maxConnections(2048).pendingAcquireMaxCount(-1).maxIdleTime(Duration.ofSeconds(30)).build();
    private final LoopResources loops = LoopResources.create("bench-http", 2, true);
    private final HttpClient http = HttpClient.create(connections).runOn(loops)
            .responseTimeout(Duration.ofSeconds(10));

    public CompletableFuture<Answer> post(String url, String json, Map<String, String> headers) {
        return http.headers(h -> {
                    h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
                    headers.forEach(h::set);
                })
                .post().uri(url).send(ByteBufFlux.fromString(Mono.just(json)))
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                        .map(text -> new Answer(response.status().code(), text)))
                .toFuture();
    }

    /** GET, reading only the status (the body is released unread). */
    public CompletableFuture<Answer> get(String url) {
        return http.get().uri(url)
                .responseSingle((response, body) -> body.then(Mono.just(new Answer(response.status().code(), null))))
                .toFuture();
    }

    /** GET with its body read (for the few reads that look at what they got). */
    public CompletableFuture<Answer> getWithBody(String url) {
        return http.get().uri(url)
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                        .map(text -> new Answer(response.status().code(), text)))
                .toFuture();
    }

    /** Throws {@link IllegalStateException} unless {@code url} (a health endpoint of {@code part}) answers 200. */
    public void requireUp(String url, String part) {
        Answer r;
        try {
            r = get(url).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(part + " is not reachable at " + url + " (start the stack: ./stack start --detach): " + e);
        }
        if (r.status() != 200) {
            throw new IllegalStateException(part + " is not healthy: " + url + " answered " + r.status());
        }
    }

    @Override
    public void close() {
        connections.disposeLater().block(Duration.ofSeconds(5));
        loops.disposeLater().block(Duration.ofSeconds(5));
    }
}
