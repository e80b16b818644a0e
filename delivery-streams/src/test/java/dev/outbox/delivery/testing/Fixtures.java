package dev.outbox.delivery.testing;

import dev.outbox.events.common.DeliveryAddress;
import dev.outbox.events.common.OrderLine;
import dev.outbox.events.delivery.AssignCourier;
import dev.outbox.events.delivery.ConfirmDelivery;
import dev.outbox.events.delivery.ConfirmPickup;
import dev.outbox.events.delivery.DeliveryCommand;
import dev.outbox.events.delivery.ReportFailedAttempt;
import dev.outbox.events.order.DeliveryAddressChanged;
import dev.outbox.events.order.OrderCancelled;
import dev.outbox.events.order.OrderPlaced;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Test data: order events and delivery commands. Times are whole milliseconds (Avro timestamp-millis). */
public final class Fixtures {

    public static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    private Fixtures() {
    }

    public static DeliveryAddress address(String street) {
        return new DeliveryAddress("Ada Lovelace", street, "London", "NW1 6XE", "GB", null);
    }

    public static OrderPlaced placed(UUID orderId) {
        return placed(orderId, UUID.randomUUID(), 1);
    }

    public static OrderPlaced placed(UUID orderId, UUID eventId, long sequence) {
        return new OrderPlaced(eventId, orderId, sequence, T0, "customer-1",
                List.of(new OrderLine("SKU-1", 2), new OrderLine("SKU-2", 1)), address("12 Baker Street"), null);
    }

    public static DeliveryAddressChanged addressChanged(UUID orderId, long sequence, String street) {
        return addressChanged(orderId, UUID.randomUUID(), sequence, street);
    }

    public static DeliveryAddressChanged addressChanged(UUID orderId, UUID eventId, long sequence, String street) {
        return new DeliveryAddressChanged(eventId, orderId, sequence, T0.plusSeconds(sequence), address(street));
    }

    public static OrderCancelled cancelled(UUID orderId, long sequence) {
        return new OrderCancelled(UUID.randomUUID(), orderId, sequence, T0.plusSeconds(sequence), "changed my mind");
    }

    public static DeliveryCommand command(UUID orderId, Object request) {
        return new DeliveryCommand(UUID.randomUUID(), orderId, T0, null, request);
    }

    public static DeliveryCommand assign(UUID orderId, String courierId) {
        return command(orderId, new AssignCourier(courierId));
    }

    public static DeliveryCommand pickup(UUID orderId) {
        return command(orderId, new ConfirmPickup());
    }

    public static DeliveryCommand deliver(UUID orderId, String receivedBy) {
        return command(orderId, new ConfirmDelivery(receivedBy));
    }

    public static DeliveryCommand failedAttempt(UUID orderId, String reason) {
        return command(orderId, new ReportFailedAttempt(reason));
    }
}
