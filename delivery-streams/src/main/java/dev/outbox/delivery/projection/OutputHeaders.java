package dev.outbox.delivery.projection;

/**
 * Headers the deliveries processor puts on its outputs, besides the trace context ({@code traceparent},
 * {@code tracestate}) every output carries.
 */
public final class OutputHeaders {

    /** Header naming the event's schema on {@code delivery.events}, as Debezium's {@code eventType} on order events. */
    public static final String EVENT_TYPE = "eventType";
    /** Header carrying the event id on {@code delivery.events}, as Debezium's {@code id} on order events. */
    public static final String EVENT_ID = "id";
    /**
     * Header {@code true} on a command result refusing a command whose id was already used for another command
     * (a client's Idempotency-Key reused with another request); the HTTP side answers it 422.
     */
    public static final String COMMAND_ID_REUSED = "commandIdReused";

    private OutputHeaders() {
    }
}
