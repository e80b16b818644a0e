package dev.outbox.order.order;

import java.util.UUID;

/** No order with this id. */
public final class OrderNotFound extends RuntimeException {
    public OrderNotFound(UUID id) {
        super("Order " + id + " not found.", null, false, false);
    }
}
