package dev.outbox.delivery.rules;

import dev.outbox.events.order.DeliveryAddressChanged;
import dev.outbox.events.order.OrderCancelled;
import dev.outbox.events.order.OrderPlaced;
import java.time.Instant;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * One event of the order service, with the fields every order event has lifted out: the generated Avro classes share
 * no interface, and the delivery rules need the id, order and sequence of whichever event it is.
 *
 * @param payload the decoded event: {@link OrderPlaced}, {@link DeliveryAddressChanged} or {@link OrderCancelled}
 */
public record OrderEvent(SpecificRecord payload, UUID eventId, UUID orderId, long sequence, Instant occurredAt) {

    /**
     * Wraps a decoded order event.
     *
     * @throws IllegalArgumentException for anything that is not one of the three order events (a record of another
     *                                  type on the order topic is poison, not something to guess at)
     */
    public static OrderEvent of(Object decoded) {
        if (decoded instanceof OrderPlaced e) {
            return new OrderEvent(e, e.getEventId(), e.getOrderId(), e.getSequence(), e.getOccurredAt());
        }
        if (decoded instanceof DeliveryAddressChanged e) {
            return new OrderEvent(e, e.getEventId(), e.getOrderId(), e.getSequence(), e.getOccurredAt());
        }
        if (decoded instanceof OrderCancelled e) {
            return new OrderEvent(e, e.getEventId(), e.getOrderId(), e.getSequence(), e.getOccurredAt());
        }
        throw new IllegalArgumentException("not an order event: "
                + (decoded == null ? "null" : decoded.getClass().getName()));
    }

    /** The event's schema name (OrderPlaced, OrderCancelled ...), as used in the history's {@code cause}. */
    public String type() {
        return payload.getSchema().getName();
    }

    public boolean isOrderPlaced() {
        return payload instanceof OrderPlaced;
    }
}
