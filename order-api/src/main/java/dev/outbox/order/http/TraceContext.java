package dev.outbox.order.http;

import dev.outbox.events.W3cTraceContext;
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
            if (headers.containsKey(W3cTraceContext.TRACEPARENT)) {
                return new TraceHeaders(headers.get(W3cTraceContext.TRACEPARENT),
                        emptyToNull(headers.get(W3cTraceContext.TRACESTATE)));
            }
        }
        String incoming = exchange.getRequest().getHeaders().getFirst(W3cTraceContext.TRACEPARENT);
        if (W3cTraceContext.isValidTraceparent(incoming)) {
            String state = exchange.getRequest().getHeaders().getFirst(W3cTraceContext.TRACESTATE);
            // the outbox's tracestate column holds 512 characters, the W3C's minimum to propagate
            return new TraceHeaders(incoming, state == null || state.length() > 512 ? null : state);
        }
        return new TraceHeaders(W3cTraceContext.newTraceparent(false), null);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
