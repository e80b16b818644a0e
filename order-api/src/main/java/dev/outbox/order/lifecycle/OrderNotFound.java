package dev.outbox.order.lifecycle;

import java.util.UUID;

/** No order with this id. */
public final class OrderNotFound extends RuntimeException {
    public OrderNotFound(UUID id) {
        super("Order " + id + " not found.", null, false, false);
    }
}
