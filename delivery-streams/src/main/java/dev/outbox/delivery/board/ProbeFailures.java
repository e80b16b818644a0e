package dev.outbox.delivery.board;

import dev.outbox.delivery.platform.Causes;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Why a part did not answer, in words for the board: "connection refused", "no answer within 1500 ms", ... */
final class ProbeFailures {

    private ProbeFailures() {
    }

    /** From the first cause that says something (not an ExecutionException wrapper, not without a message). */
    static String describe(Throwable e, Duration timeout) {
        List<Throwable> chain = Causes.of(e);
        Throwable cause = chain.stream()
                .filter(t -> t.getMessage() != null && !(t instanceof ExecutionException))
                .findFirst().orElse(chain.get(chain.size() - 1));
        String message = cause.getMessage();
        String type = cause.getClass().getSimpleName();
        if (cause instanceof ConnectException || cause instanceof ClosedChannelException) {
            return "connection refused";
        }
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        return message == null ? type : type + ": " + message;
    }
}
