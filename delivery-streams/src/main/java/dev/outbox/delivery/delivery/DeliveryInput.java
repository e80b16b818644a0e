package dev.outbox.delivery.delivery;

import dev.outbox.delivery.dlq.OriginalRecord;
import dev.outbox.delivery.trace.TraceContext;
import dev.outbox.events.delivery.DeliveryCommand;

/** What the deliveries processor takes in: decoded order events and delivery commands, both keyed by order id. */
public sealed interface DeliveryInput {

    TraceContext trace();

    /** An order event, with the record it came in (buffered as is when it arrives before its predecessors). */
    record OrderEventReceived(OrderEvent event, TraceContext trace, OriginalRecord original) implements DeliveryInput {
    }

    record CommandReceived(DeliveryCommand command, TraceContext trace) implements DeliveryInput {
    }
}
