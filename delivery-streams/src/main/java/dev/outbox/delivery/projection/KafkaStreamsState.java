package dev.outbox.delivery.projection;

import dev.outbox.delivery.deadletter.DeadLetters;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the Kafka Streams client: its state (it allows only one state listener; Spring Kafka installs this one),
 * and the stream threads that failed and were replaced, which is how a projection that cannot make progress shows:
 * a thread that fails on the same record again and again, each time after a replay from the last commit, while the
 * client's state still says RUNNING or REBALANCING.
 */
public class KafkaStreamsState implements KafkaStreams.StateListener {

    private static final Logger log = LoggerFactory.getLogger(KafkaStreamsState.class);

    /** Why the projection is stalled: failures within the window, and the last one's reason. */
    public record Stall(int failures, Duration window, String lastFailure) {

        public String describe() {
            return failures + " stream thread failures in the last " + window.toSeconds() + " s; last: " + lastFailure;
        }
    }

    private final Clock clock;
    private final Duration failureWindow;
    private final int stalledAfter;
    private final Deque<Instant> failures = new ArrayDeque<>();
    private volatile String lastFailure;
    private volatile State state;
    private volatile boolean hasBeenRunning;

    /**
     * @param failureWindow how far back thread failures count
     * @param stalledAfter  thread failures within the window from which the projection counts as stalled
     */
    public KafkaStreamsState(Clock clock, Duration failureWindow, int stalledAfter) {
        this.clock = clock;
        this.failureWindow = failureWindow;
        this.stalledAfter = stalledAfter;
    }

    @Override
    public void onChange(State newState, State oldState) {
        state = newState;
        if (newState == State.RUNNING) {
            hasBeenRunning = true;
        }
        log.info("Kafka Streams state {} -> {}", oldState, newState);
    }

    /** A stream thread died of {@code error} (and is being replaced). */
    public void threadFailed(Throwable error) {
        lastFailure = DeadLetters.reason(error);
        synchronized (failures) {
            failures.addLast(clock.instant());
            forgetOld();
        }
    }

    /** Present while {@code stalledAfter} or more threads failed within the window. */
    public Optional<Stall> stall() {
        synchronized (failures) {
            forgetOld();
            return failures.size() >= stalledAfter
                    ? Optional.of(new Stall(failures.size(), failureWindow, lastFailure))
                    : Optional.empty();
        }
    }

    private void forgetOld() {
        Instant since = clock.instant().minus(failureWindow);
        while (!failures.isEmpty() && failures.peekFirst().isBefore(since)) {
            failures.removeFirst();
        }
    }

    /** Null before the client was started. */
    public State state() {
        return state;
    }

    /** Whether the client reached RUNNING at least once since start-up. */
    public boolean hasBeenRunning() {
        return hasBeenRunning;
    }
}
