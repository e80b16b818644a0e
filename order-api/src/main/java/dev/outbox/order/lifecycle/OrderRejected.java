package dev.outbox.order.lifecycle;

/**
 * The aggregate's "no": an answer, not a failure. {@link Kind#INVALID} means the command can never succeed as it is
 * (HTTP 400); {@link Kind#CONFLICT} means the order's current state forbids it (HTTP 409).
 */
public final class OrderRejected extends RuntimeException {

    public enum Kind { INVALID, CONFLICT }

    private final Kind kind;
    private final String code;

    public OrderRejected(Kind kind, String code, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.code = code;
    }

    public Kind kind() {
        return kind;
    }

    /** A stable, machine-readable reason, e.g. {@code order-cancelled}. */
    public String code() {
        return code;
    }
}
