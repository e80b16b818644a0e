package dev.outbox.order.idempotency;

import org.springframework.http.HttpStatus;

/** Misuse of the Idempotency-Key header: a key that is not 1-255 printable ASCII characters (400), or reused (422). */
public final class IdempotencyKeyProblem extends RuntimeException {

    private final HttpStatus status;

    IdempotencyKeyProblem(HttpStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public HttpStatus status() {
        return status;
    }
}
