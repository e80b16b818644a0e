package dev.outbox.order.idempotency;

/**
 * The command was already handled by a concurrent request: another request with the same Idempotency-Key committed
 * first, so this one's transaction is rolled back and it is answered as the replay of the first. Not an error: the
 * handler counts it as outcome {@code replayed}.
 */
public class AlreadyHandled extends RuntimeException {

    public AlreadyHandled(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
