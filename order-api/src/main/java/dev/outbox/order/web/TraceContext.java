package dev.outbox.order.web;

import dev.outbox.order.outbox.OutboxWriter.TraceHeaders;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The W3C trace context to store with the outbox rows: that of the server span of the current request (a child of
 * the caller's {@code traceparent} when it sent one), so the Kafka record continues the caller's trace. Without
 * tracing on the classpath, a valid incoming {@code traceparent} is passed through as it is.
 */
@Component
class TraceContext {

    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    private final ObjectProvider<Propagator> propagator;

    TraceContext(ObjectProvider<Propagator> propagator) {
        this.propagator = propagator;
    }

    TraceHeaders of(ServerWebExchange exchange) {
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
        if (incoming != null && TRACEPARENT.matcher(incoming).matches()) {
            String state = exchange.getRequest().getHeaders().getFirst("tracestate");
            return new TraceHeaders(incoming, state == null || state.length() > 512 ? null : state);
        }
        return TraceHeaders.NONE;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
