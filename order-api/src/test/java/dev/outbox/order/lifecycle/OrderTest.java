package dev.outbox.order.lifecycle;

import dev.outbox.events.order.DeliveryAddressChanged;
import dev.outbox.events.order.OrderCancelled;
import dev.outbox.events.order.OrderPlaced;
import dev.outbox.order.lifecycle.OrderCommand.Address;
import dev.outbox.order.lifecycle.OrderCommand.CancelOrder;
import dev.outbox.order.lifecycle.OrderCommand.ChangeDeliveryAddress;
import dev.outbox.order.lifecycle.OrderCommand.Line;
import dev.outbox.order.lifecycle.OrderCommand.PlaceOrder;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OrderTest {

    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    private final AtomicLong counter = new AtomicLong();
    private final Order.EventSource source = new Order.EventSource(
            () -> new UUID(0, counter.incrementAndGet()), Clock.fixed(NOW, ZoneOffset.UTC));
    private final Address home = new Address("Ada", "1 Main St", "London", "N1", "GB", null);

    private PlaceOrder place(List<Line> lines) {
        return new PlaceOrder("c-1", lines, home, null);
    }

    @Test
    void placingDecidesOneEventWithSequenceOneAndFreshIds() {
        OrderPlaced placed = Order.decide(place(List.of(new Line("A", 2), new Line("B", 1))), source);

        assertThat(placed.getSequence()).isEqualTo(1);
        assertThat(placed.getEventId()).isNotEqualTo(placed.getOrderId());
        assertThat(placed.getOccurredAt()).isEqualTo(NOW);
        assertThat(placed.getLines()).extracting(l -> l.getSku() + "x" + l.getQuantity()).containsExactly("Ax2", "Bx1");
        Order order = Order.from(placed);
        assertThat(order.status()).isEqualTo(Order.Status.PLACED);
        assertThat(order.version()).isEqualTo(1);
    }

    @Test
    void anOrderNeedsLinesWithinBoundsAndEachSkuOnce() {
        assertRejected(() -> Order.decide(place(List.of()), source), OrderRejected.Kind.INVALID, "no-lines");
        assertRejected(() -> Order.decide(place(List.of(new Line("A", 0))), source),
                OrderRejected.Kind.INVALID, "quantity-out-of-range");
        assertRejected(() -> Order.decide(place(List.of(new Line("A", Order.MAX_QUANTITY + 1))), source),
                OrderRejected.Kind.INVALID, "quantity-out-of-range");
        assertRejected(() -> Order.decide(place(List.of(new Line("A", 1), new Line("A", 2))), source),
                OrderRejected.Kind.INVALID, "duplicate-sku");
        List<Line> tooMany = new ArrayList<>();
        IntStream.rangeClosed(0, Order.MAX_LINES).forEach(i -> tooMany.add(new Line("S" + i, 1)));
        assertRejected(() -> Order.decide(place(tooMany), source), OrderRejected.Kind.INVALID, "too-many-lines");
        assertThat(Order.decide(place(List.of(new Line("A", Order.MAX_QUANTITY))), source)).isNotNull();
    }

    @Test
    void cancellingOnceThenNeverAgain() {
        Order order = Order.from(Order.decide(place(List.of(new Line("A", 1))), source));
        OrderCancelled cancelled = order.decide(new CancelOrder(order.id(), "changed my mind"), source);

        assertThat(cancelled.getSequence()).isEqualTo(2);
        assertThat(cancelled.getOrderId()).isEqualTo(order.id());
        Order after = order.apply(cancelled);
        assertThat(after.status()).isEqualTo(Order.Status.CANCELLED);
        assertThat(after.cancelReason()).isEqualTo("changed my mind");
        assertThat(after.version()).isEqualTo(2);
        assertRejected(() -> after.decide(new CancelOrder(order.id(), "again"), source),
                OrderRejected.Kind.CONFLICT, "already-cancelled");
    }

    @Test
    void theAddressChangesUntilCancellationAndTheSameAddressDecidesNothing() {
        Order order = Order.from(Order.decide(place(List.of(new Line("A", 1))), source));
        Address office = new Address("Ada", "2 Side St", "London", "N2", "GB", "ring twice");

        assertThat(order.decide(new ChangeDeliveryAddress(order.id(), home), source)).isEmpty();
        var changed = (DeliveryAddressChanged) order.decide(new ChangeDeliveryAddress(order.id(), office), source).get(0);
        assertThat(changed.getSequence()).isEqualTo(2);
        assertThat(changed.getDeliveryAddress().getInstructions()).isEqualTo("ring twice");
        Order moved = order.apply(changed);
        assertThat(moved.deliveryAddress()).isEqualTo(office);

        Order cancelled = moved.apply(moved.decide(new CancelOrder(order.id(), "no"), source));
        assertRejected(() -> cancelled.decide(new ChangeDeliveryAddress(order.id(), home), source),
                OrderRejected.Kind.CONFLICT, "order-cancelled");
    }

    @Test
    void anOrderTakesABoundedNumberOfAddressChanges() {
        Order order = Order.from(Order.decide(place(List.of(new Line("A", 1))), source));
        for (int i = 1; i <= Order.MAX_ADDRESS_CHANGES; i++) {
            Address next = new Address("Ada", i + " Side St", "London", "N2", "GB", null);
            order = order.apply(order.decide(new ChangeDeliveryAddress(order.id(), next), source).get(0));
        }
        Order changedTooOften = order;

        assertRejected(() -> changedTooOften.decide(new ChangeDeliveryAddress(changedTooOften.id(), home), source),
                OrderRejected.Kind.CONFLICT, "too-many-address-changes");
        // still cancellable, and the address it has is kept
        assertThat(changedTooOften.decide(new CancelOrder(changedTooOften.id(), "moved abroad"), source)).isNotNull();
        assertThat(changedTooOften.deliveryAddress().street()).isEqualTo(Order.MAX_ADDRESS_CHANGES + " Side St");
    }

    private static void assertRejected(Runnable decision, OrderRejected.Kind kind, String code) {
        assertThatThrownBy(decision::run).isInstanceOfSatisfying(OrderRejected.class, e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.code()).isEqualTo(code);
        });
    }
}
