package dev.outbox.events;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class W3cTraceContextTest {

    private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aWellFormedTraceparentIsValidAndItsIdsAreRead() {
        assertThat(W3cTraceContext.isValidTraceparent(VALID)).isTrue();
        assertThat(W3cTraceContext.traceId(VALID)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(W3cTraceContext.parentId(VALID)).isEqualTo("00f067aa0ba902b7");
    }

    @Test
    void malformedVersionFfAndAllZeroIdsAreInvalid() {
        for (String invalid : new String[]{null, "", "garbage", "00-4BF92F-x-01",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", VALID + "-extra"}) {
            assertThat(W3cTraceContext.isValidTraceparent(invalid)).as(invalid).isFalse();
        }
    }

    @Test
    void aNewTraceparentIsValidRandomAndSampledOnlyWhenAsked() {
        String unsampled = W3cTraceContext.newTraceparent(false);
        String sampled = W3cTraceContext.newTraceparent(true);

        assertThat(unsampled).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00");
        assertThat(sampled).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(W3cTraceContext.isValidTraceparent(unsampled)).isTrue();
        assertThat(W3cTraceContext.traceId(unsampled)).isNotEqualTo(W3cTraceContext.traceId(sampled));
    }
}
