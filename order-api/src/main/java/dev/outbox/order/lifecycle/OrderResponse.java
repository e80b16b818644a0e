package dev.outbox.order.lifecycle;


import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An order as the API shows it. {@code version} is the sequence number of its last event. */
public record OrderResponse(UUID id, String customerId, String status, List<OrderCommand.Line> lines,
                            OrderCommand.Address deliveryAddress, String giftMessage, String cancelReason, long version,
                            Instant placedAt, Instant updatedAt) {

    static OrderResponse of(Order order) {
        return new OrderResponse(order.id(), order.customerId(), order.status().name(), order.lines(),
                order.deliveryAddress(), order.giftMessage(), order.cancelReason(), order.version(), order.placedAt(),
                order.updatedAt());
    }
}
