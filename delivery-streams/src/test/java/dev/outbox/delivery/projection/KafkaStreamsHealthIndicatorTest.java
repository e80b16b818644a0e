package dev.outbox.delivery.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outbox.delivery.platform.Instance;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** Health says DOWN while the projection cannot make progress, however the Streams client's state looks. */
class KafkaStreamsHealthIndicatorTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
    private final KafkaStreamsState state = new KafkaStreamsState(clock, Duration.ofSeconds(60), 3);
    private final KafkaStreamsHealthIndicator indicator =
            new KafkaStreamsHealthIndicator(state, Instance.parse("127.0.0.1:8082"));

    @Test
    void runningIsUpAndOneThreadFailureIsAHiccup() {
        state.onChange(State.RUNNING, State.REBALANCING);
        state.threadFailed(failure());

        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void threadsThatKeepFailingMakeItDownWithTheReasonUntilTheyStop() {
        state.onChange(State.RUNNING, State.REBALANCING);
        for (int i = 0; i < 3; i++) {
            state.threadFailed(failure());
            clock.advance(Duration.ofSeconds(10));
        }

        Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails().get("state")).isEqualTo("RUNNING");
        assertThat((String) health.getDetails().get("stalled"))
                .contains("3 stream thread failures in the last 60 s", "RecordTooLargeException");

        clock.advance(Duration.ofSeconds(45)); // the first failure leaves the window
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
    }

    private static StreamsException failure() {
        return new StreamsException("Error encountered sending record to topic delivery-streams-deliveries-changelog",
                new RecordTooLargeException("The message is 1048626 bytes when serialized which is larger than 1048576"));
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
