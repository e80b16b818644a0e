package dev.outbox.order.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Overload is an answer, not a queue: at most {@code orders.max-in-flight} order commands are worked on at once; one
 * more is refused at once with 503 and {@code Retry-After}, before its body is read or a connection is asked for.
 * Without the bound, work beyond capacity waits in the connection pool's queue for seconds, clients time out and retry
 * while the server still does the abandoned work, and the service stays behind after the load has passed. Reads
 * ({@code GET}) are not limited: they are cheap and leave nothing half done.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class InFlightLimit implements WebFilter {

    private static final byte[] BODY = ProblemJson.of(HttpStatus.SERVICE_UNAVAILABLE.value(), "Service Unavailable",
            "The order API is at capacity; nothing was written. Try again shortly.");

    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counter refused;

    InFlightLimit(@Value("${orders.max-in-flight:128}") int maxInFlight, MeterRegistry meters) {
        this.maxInFlight = maxInFlight;
        this.refused = Counter.builder("orders.commands.shed").description("Order commands refused at capacity (503)")
                .register(meters);
        Gauge.builder("orders.commands.in-flight", inFlight, AtomicInteger::get)
                .description("Order commands being worked on").register(meters);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!isCommand(exchange)) {
            return chain.filter(exchange);
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            refused.increment();
            var response = exchange.getResponse();
            response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
            response.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
            response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
            return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(BODY)));
        }
        return chain.filter(exchange).doFinally(signal -> inFlight.decrementAndGet());
    }

    private static boolean isCommand(ServerWebExchange exchange) {
        HttpMethod method = exchange.getRequest().getMethod();
        return (method == HttpMethod.POST || method == HttpMethod.PUT)
                && exchange.getRequest().getPath().value().startsWith("/orders");
    }
}
