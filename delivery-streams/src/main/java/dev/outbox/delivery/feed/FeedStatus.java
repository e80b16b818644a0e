package dev.outbox.delivery.feed;

import java.time.Duration;
import java.time.Instant;

/**
 * Where the {@link DeliveryOutputsFeed} stands, for the health endpoint and the board.
 *
 * @param failures      failures in a row (a session that read for longer than the longest backoff ends a row)
 * @param restarts      restarts since the instance started
 * @param lastError     the last failure, or null
 * @param lastFailureAt when it happened, or null
 * @param nextAttemptAt when it starts over (while RESTARTING), or null
 */
public record FeedStatus(State state, int failures, int restarts, String lastError, Instant lastFailureAt,
                         Instant nextAttemptAt) {

    public enum State {
        /** Not started, or stopped. */
        STOPPED,
        /** Started, not yet reading all its partitions. */
        STARTING,
        /** Reading: command results and status changes are seen. */
        READING,
        /** Reading failed; it starts over after a backoff. */
        RESTARTING,
        /** Its thread ended with an error it cannot restart from (a JVM error); the instance needs a restart. */
        FAILED
    }

    static final FeedStatus STOPPED = new FeedStatus(State.STOPPED, 0, 0, null, null, null);

    /** The same failures and restarts, in another state. */
    FeedStatus in(State next) {
        return new FeedStatus(next, failures, restarts, lastError, lastFailureAt, null);
    }

    /** Started again: the restarts and the last failure are kept; the failures in a row count from 0. */
    FeedStatus starting() {
        return new FeedStatus(State.STARTING, 0, restarts, lastError, lastFailureAt, null);
    }

    /** Reading failed; with {@code failuresInRow} counted by the caller, it starts over after {@code backoff}. */
    FeedStatus restarting(int failuresInRow, String error, Instant now, Duration backoff) {
        return new FeedStatus(State.RESTARTING, failuresInRow, restarts + 1, error, now, now.plus(backoff));
    }

    /** Its thread died. */
    FeedStatus failed(String error, Instant now) {
        return new FeedStatus(State.FAILED, failures + 1, restarts, error, now, null);
    }
}
