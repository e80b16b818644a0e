package dev.outbox.order.http;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class InFlightLimitTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final InFlightLimit limit = new InFlightLimit(2, meters);
    private final Sinks.Empty<Void> release = Sinks.empty();
    /** A command that takes until {@link #release} completes. */
    private final WebFilterChain slow = exchange -> release.asMono();

    @Test
    void aCommandBeyondTheLimitIsRefusedAtOnceWith503AndRetryAfter() {
        limit.filter(post(), slow).subscribe();
        limit.filter(post(), slow).subscribe();

        MockServerWebExchange third = post();
        limit.filter(third, slow).block(Duration.ofSeconds(1));

        assertThat(third.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(third.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("1");
        assertThat(third.getResponse().getBodyAsString().block()).contains("\"status\":503");
        assertThat(meters.counter("orders.commands.shed").count()).isEqualTo(1);
    }

    @Test
    void aFinishedCommandFreesItsPlace() {
        Sinks.Empty<Void> first = Sinks.empty();
        limit.filter(post(), exchange -> first.asMono()).subscribe();
        limit.filter(post(), slow).subscribe();
        first.tryEmitEmpty();

        MockServerWebExchange next = post();
        limit.filter(next, exchange -> Mono.empty()).block(Duration.ofSeconds(1));

        assertThat(next.getResponse().getStatusCode()).isNotEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(meters.get("orders.commands.in-flight").gauge().value()).isEqualTo(1);
    }

    @Test
    void readsAreNotLimited() {
        limit.filter(post(), slow).subscribe();
        limit.filter(post(), slow).subscribe();

        MockServerWebExchange read = MockServerWebExchange.from(MockServerHttpRequest.get("/orders/1"));
        limit.filter(read, exchange -> Mono.empty()).block(Duration.ofSeconds(1));

        assertThat(read.getResponse().getStatusCode()).isNotEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    }

    private static MockServerWebExchange post() {
        return MockServerWebExchange.from(MockServerHttpRequest.post("/orders").body("{}"));
    }
}
