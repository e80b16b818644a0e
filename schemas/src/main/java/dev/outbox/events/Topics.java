package dev.outbox.events;

/**
 * The topics the events travel on, named once for every part that reads or writes them: the order API's outbox
 * (Debezium routes its rows to {@link #ORDER_EVENTS}), the delivery projection, the benchmarks and the tests. Each is
 * the default of a setting ({@code outbox.topic}, {@code delivery.topics.*}); a deployment may rename them there.
 */
public final class Topics {

    /** Order events from the outbox: {@code OrderPlaced}, {@code OrderCancelled}, ... keyed by order id. */
    public static final String ORDER_EVENTS = "order.events";
    /** Delivery commands (assign courier, confirm pickup, ...) sent by the delivery API. */
    public static final String DELIVERY_COMMANDS = "delivery.commands";
    /** One result per delivery command: accepted or rejected, and why. */
    public static final String DELIVERY_COMMAND_RESULTS = "delivery.command-results";
    /** The delivery's own events. */
    public static final String DELIVERY_EVENTS = "delivery.events";
    /** Every status change of a delivery, for readers that only follow statuses. */
    public static final String DELIVERY_STATUS = "delivery.status";
    /** Records the projection could not read or apply, with why and where they came from in headers. */
    public static final String DELIVERY_DLQ = "delivery.dlq";

    private Topics() {
    }
}
