package dev.outbox.order.http;

import dev.outbox.order.outbox.OutboxWriter.TraceHeaders;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/** Without a tracer (the default: nothing recorded), the trace context still reaches the outbox row. */
class TraceContextTest {

    private static final String CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private final TraceContext trace = new TraceContext(new StaticListableBeanFactory()
            .getBeanProvider(io.micrometer.tracing.propagation.Propagator.class));

    @Test
    void theCallersTraceparentAndTracestateArePassedOnUnchanged() {
        TraceHeaders headers = trace.of(exchange(CALLER, "vendor=abc"));

        assertThat(headers.traceparent()).isEqualTo(CALLER);
        assertThat(headers.tracestate()).isEqualTo("vendor=abc");
    }

    @Test
    void withoutATraceparentANewUnsampledTraceIsStarted() {
        TraceHeaders first = trace.of(exchange(null, null));
        TraceHeaders second = trace.of(exchange(null, null));

        assertThat(first.traceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00");
        assertThat(first.traceparent()).isNotEqualTo(second.traceparent());
        assertThat(first.tracestate()).isNull();
    }

    @Test
    void anInvalidTraceparentStartsANewTraceInsteadOfBeingCopied() {
        for (String invalid : new String[]{"00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-4BF92F-x-01", "garbage"}) {
            String traceparent = trace.of(exchange(invalid, null)).traceparent();
            assertThat(traceparent).as(invalid).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00").isNotEqualTo(invalid);
        }
    }

    private static MockServerWebExchange exchange(String traceparent, String tracestate) {
        MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.post("/orders");
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        if (tracestate != null) {
            request.header("tracestate", tracestate);
        }
        return MockServerWebExchange.from(request);
    }
}
