package dev.outbox.order.http;

import dev.outbox.order.outbox.OutboxWriter.TraceHeaders;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The W3C trace context to store with the outbox rows, so the Kafka record continues the request's trace:
 * <ul>
 *   <li>with tracing exported ({@code management.tracing.export.enabled=true}), that of the request's server span
 *       (a child of the caller's {@code traceparent} when it sent one);</li>
 *   <li>otherwise (the default: nothing is recorded), the caller's valid {@code traceparent} passed through unchanged,
 *       so the consumers' spans hang off the caller's span and the trace stays whole; without one, a new trace id
 *       and span id, not sampled, so the events of one request can still be followed through Kafka and the logs.</li>
 * </ul>
 */
@Component
public class TraceContext {

    private static final String ZERO_TRACE_ID = "0".repeat(32);
    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    private final ObjectProvider<Propagator> propagator;

    TraceContext(ObjectProvider<Propagator> propagator) {
        this.propagator = propagator;
    }

    public TraceHeaders of(ServerWebExchange exchange) {
        Propagator p = propagator.getIfAvailable();
        Span span = ServerRequestObservationContext.findCurrent(exchange.getAttributes())
                .map(c -> (TracingObservationHandler.TracingContext) c.get(TracingObservationHandler.TracingContext.class))
                .map(TracingObservationHandler.TracingContext::getSpan)
                .orElse(null);
        if (p != null && span != null) {
            Map<String, String> headers = new HashMap<>();
            p.inject(span.context(), headers, Map::put);
            if (headers.containsKey("traceparent")) {
                return new TraceHeaders(headers.get("traceparent"), emptyToNull(headers.get("tracestate")));
            }
        }
        String incoming = exchange.getRequest().getHeaders().getFirst("traceparent");
        if (incoming != null && TRACEPARENT.matcher(incoming).matches() && !incoming.startsWith("ff")
                && !incoming.regionMatches(3, ZERO_TRACE_ID, 0, 32) && !incoming.regionMatches(36, ZERO_TRACE_ID, 0, 16)) {
            String state = exchange.getRequest().getHeaders().getFirst("tracestate");
            return new TraceHeaders(incoming, state == null || state.length() > 512 ? null : state);
        }
        return new TraceHeaders(newTraceparent(), null);
    }

    /** A new, unsampled W3C trace context: version 00, random trace id and span id, flags 00. */
    static String newTraceparent() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        HexFormat hex = HexFormat.of();
        long high;
        long low;
        long span;
        do {
            high = random.nextLong();
            low = random.nextLong();
        } while (high == 0 && low == 0);
        do {
            span = random.nextLong();
        } while (span == 0);
        return "00-" + hex.toHexDigits(high) + hex.toHexDigits(low) + "-" + hex.toHexDigits(span) + "-00";
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
