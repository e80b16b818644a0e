package dev.outbox.delivery.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class TraceContextTest {

    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    @Test
    void readsHeadersAndWritesThemBack() {
        RecordHeaders in = new RecordHeaders();
        in.add("traceparent", TRACEPARENT.getBytes());
        in.add("tracestate", "vendor=1".getBytes());
        TraceContext trace = TraceContext.fromHeaders(in);

        assertThat(trace.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(trace.spanId()).isEqualTo("b7ad6b7169203331");
        RecordHeaders out = new RecordHeaders();
        trace.addTo(out);
        assertThat(new String(out.lastHeader("traceparent").value())).isEqualTo(TRACEPARENT);
        assertThat(new String(out.lastHeader("tracestate").value())).isEqualTo("vendor=1");
    }

    @Test
    void aMalformedTraceparentIsIgnored() {
        assertThat(TraceContext.of("garbage").isPresent()).isFalse();
        assertThat(TraceContext.of(null).isPresent()).isFalse();
        assertThat(TraceContext.newTrace().traceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    }

    @Test
    void theMdcScopeRestoresWhatWasThere() {
        MDC.put(TraceContext.MDC_TRACE_ID, "outer");
        try (TraceContext.Scope ignored = TraceContext.of(TRACEPARENT).inMdc()) {
            assertThat(MDC.get(TraceContext.MDC_TRACE_ID)).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        }
        assertThat(MDC.get(TraceContext.MDC_TRACE_ID)).isEqualTo("outer");
        assertThat(MDC.get(TraceContext.MDC_SPAN_ID)).isNull();
        MDC.clear();
    }
}
