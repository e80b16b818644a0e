package dev.outbox.delivery.platform;

import dev.outbox.events.W3cTraceContext;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.slf4j.MDC;

/**
 * W3C trace context ({@code traceparent}, {@code tracestate}) as it travels through this app: read from a record's
 * headers or a command's field, put in the logging MDC ({@code traceId}, {@code spanId}) while a record is processed,
 * and written as headers on every record produced for it. No tracing library: the point is that one order's logs
 * and records can be found by its trace id across the order API, Kafka and this app.
 *
 * @param traceparent {@code 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>}, or null when there is none
 * @param tracestate  vendor state to pass along unchanged, or null
 */
public record TraceContext(String traceparent, String tracestate) {

    public static final String TRACEPARENT = W3cTraceContext.TRACEPARENT;
    public static final String TRACESTATE = W3cTraceContext.TRACESTATE;
    public static final String MDC_TRACE_ID = "traceId";
    public static final String MDC_SPAN_ID = "spanId";
    public static final TraceContext NONE = new TraceContext(null, null);

    /** A traceparent that is not valid (W3C: well formed, not version ff, no all-zero id) is ignored, not passed on. */
    public TraceContext {
        if (traceparent != null && !W3cTraceContext.isValidTraceparent(traceparent)) {
            traceparent = null;
            tracestate = null;
        }
    }

    public static TraceContext of(String traceparent) {
        return new TraceContext(traceparent, null);
    }

    public static TraceContext fromHeaders(Headers headers) {
        return new TraceContext(lastHeader(headers, TRACEPARENT), lastHeader(headers, TRACESTATE));
    }

    /** A new trace (random ids, sampled), for requests that arrive without one. */
    public static TraceContext newTrace() {
        return of(W3cTraceContext.newTraceparent(true));
    }

    public boolean isPresent() {
        return traceparent != null;
    }

    public String traceId() {
        return traceparent == null ? null : W3cTraceContext.traceId(traceparent);
    }

    public String spanId() {
        return traceparent == null ? null : W3cTraceContext.parentId(traceparent);
    }

    /** Adds {@code traceparent} / {@code tracestate} headers, when there are any. */
    public Headers addTo(Headers headers) {
        if (traceparent != null) {
            headers.add(TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
            if (tracestate != null) {
                headers.add(TRACESTATE, tracestate.getBytes(StandardCharsets.UTF_8));
            }
        }
        return headers;
    }

    /** Puts the trace into the logging MDC until the returned scope is closed, which restores what was there. */
    public Scope inMdc() {
        String previousTrace = MDC.get(MDC_TRACE_ID);
        String previousSpan = MDC.get(MDC_SPAN_ID);
        put(MDC_TRACE_ID, traceId());
        put(MDC_SPAN_ID, spanId());
        return () -> {
            put(MDC_TRACE_ID, previousTrace);
            put(MDC_SPAN_ID, previousSpan);
        };
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    /** An MDC scope; closing it removes what it put. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private static String lastHeader(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
