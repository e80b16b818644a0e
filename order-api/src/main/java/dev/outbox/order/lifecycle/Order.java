package dev.outbox.order.lifecycle;

import dev.outbox.events.common.DeliveryAddress;
import dev.outbox.events.common.OrderLine;
import dev.outbox.events.order.DeliveryAddressChanged;
import dev.outbox.events.order.OrderCancelled;
import dev.outbox.events.order.OrderPlaced;
import dev.outbox.order.lifecycle.OrderCommand.Address;
import dev.outbox.order.lifecycle.OrderCommand.CancelOrder;
import dev.outbox.order.lifecycle.OrderCommand.ChangeDeliveryAddress;
import dev.outbox.order.lifecycle.OrderCommand.Line;
import dev.outbox.order.lifecycle.OrderCommand.PlaceOrder;
import org.apache.avro.specific.SpecificRecord;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The order aggregate: every rule about an order lives here.
 *
 * <p>Axon-style without the framework: {@code decide} checks the invariants against the current state and returns
 * the events it decides on (or throws {@link OrderRejected}); {@code apply} folds an event into the next state.
 * The aggregate does no I/O; the command handler loads it, persists the new state and writes the events to the
 * outbox in one transaction.
 */
public final class Order {

    public static final int MAX_LINES = 100;
    public static final int MAX_QUANTITY = 1_000;
    /**
     * Address changes one order takes at most: each is an event every reader of the order applies, so what one client
     * can make an order grow by is bounded.
     */
    public static final int MAX_ADDRESS_CHANGES = 20;
    /** The sequence number of an order's first event; each later event takes the next ({@link #nextSequence()}). */
    public static final long FIRST_SEQUENCE = 1;

    public enum Status { PLACED, CANCELLED }

    /** Where new events get their id and time; a test passes fixed ones. */
    public record EventSource(Supplier<UUID> ids, Clock clock) {
        public static EventSource system() {
            return new EventSource(UUID::randomUUID, Clock.systemUTC());
        }
    }

    private final UUID id;
    private final String customerId;
    private final List<Line> lines;
    private final Address deliveryAddress;
    private final String giftMessage;
    private final Status status;
    private final String cancelReason;
    private final long version;
    private final Instant placedAt;
    private final Instant updatedAt;

    public Order(UUID id, String customerId, List<Line> lines, Address deliveryAddress, String giftMessage,
                 Status status, String cancelReason, long version, Instant placedAt, Instant updatedAt) {
        this.id = id;
        this.customerId = customerId;
        this.lines = List.copyOf(lines);
        this.deliveryAddress = deliveryAddress;
        this.giftMessage = giftMessage;
        this.status = status;
        this.cancelReason = cancelReason;
        this.version = version;
        this.placedAt = placedAt;
        this.updatedAt = updatedAt;
    }

    // ------------------------------------------------------------------------------------------------ decisions

    /** A new order: at least one line, at most {@value #MAX_LINES}, each sku once, quantities 1..{@value #MAX_QUANTITY}. */
    public static OrderPlaced decide(PlaceOrder command, EventSource source) {
        if (command.lines().isEmpty()) {
            throw invalid("no-lines", "An order needs at least one line.");
        }
        if (command.lines().size() > MAX_LINES) {
            throw invalid("too-many-lines", "An order has at most " + MAX_LINES + " lines, this one has "
                    + command.lines().size() + ".");
        }
        Set<String> skus = new HashSet<>();
        for (Line line : command.lines()) {
            if (line.quantity() < 1 || line.quantity() > MAX_QUANTITY) {
                throw invalid("quantity-out-of-range", "Quantity of " + line.sku() + " must be between 1 and "
                        + MAX_QUANTITY + ", was " + line.quantity() + ".");
            }
            if (!skus.add(line.sku())) {
                throw invalid("duplicate-sku", "Sku " + line.sku() + " appears on more than one line;"
                        + " order it once with the total quantity.");
            }
        }
        return OrderPlaced.newBuilder()
                .setEventId(source.ids().get())
                .setOrderId(source.ids().get())
                .setSequence(FIRST_SEQUENCE)
                .setOccurredAt(source.clock().instant())
                .setCustomerId(command.customerId())
                .setLines(command.lines().stream().map(l -> new OrderLine(l.sku(), l.quantity())).toList())
                .setDeliveryAddress(toEvent(command.deliveryAddress()))
                .setGiftMessage(command.giftMessage())
                .build();
    }

    /** Cancels once; a second cancellation is a conflict, not a silent success. */
    public OrderCancelled decide(CancelOrder command, EventSource source) {
        if (status == Status.CANCELLED) {
            throw conflict("already-cancelled", "Order " + id + " was already cancelled.");
        }
        return OrderCancelled.newBuilder()
                .setEventId(source.ids().get()).setOrderId(id).setSequence(nextSequence())
                .setOccurredAt(source.clock().instant()).setReason(command.reason())
                .build();
    }

    /**
     * A cancelled order's address no longer changes, nor one changed {@value #MAX_ADDRESS_CHANGES} times already; the
     * same address again decides nothing.
     */
    public List<SpecificRecord> decide(ChangeDeliveryAddress command, EventSource source) {
        if (status == Status.CANCELLED) {
            throw conflict("order-cancelled", "Order " + id + " is cancelled; its address can no longer change.");
        }
        if (command.deliveryAddress().equals(deliveryAddress)) {
            return List.of();
        }
        // every event after OrderPlaced of an order that is not cancelled is an address change
        if (version - FIRST_SEQUENCE >= MAX_ADDRESS_CHANGES) {
            throw conflict("too-many-address-changes", "Order " + id + "'s delivery address was changed "
                    + MAX_ADDRESS_CHANGES + " times, the most an order takes; it can no longer change.");
        }
        return List.of(DeliveryAddressChanged.newBuilder()
                .setEventId(source.ids().get()).setOrderId(id).setSequence(nextSequence())
                .setOccurredAt(source.clock().instant())
                .setDeliveryAddress(toEvent(command.deliveryAddress()))
                .build());
    }

    /**
     * The sequence number of the next event: the version is the sequence number of the last one. The outbox rows
     * take their sequence from here too, so the events' and the rows' numbers cannot drift apart.
     */
    public long nextSequence() {
        return version + 1;
    }

    // ------------------------------------------------------------------------------------------------ evolution

    public static Order from(OrderPlaced e) {
        return new Order(e.getOrderId(), e.getCustomerId(),
                e.getLines().stream().map(l -> new Line(l.getSku(), l.getQuantity())).toList(),
                fromEvent(e.getDeliveryAddress()), e.getGiftMessage(), Status.PLACED, null, e.getSequence(), e.getOccurredAt(),
                e.getOccurredAt());
    }

    public Order apply(SpecificRecord event) {
        if (event instanceof OrderCancelled e) {
            return new Order(id, customerId, lines, deliveryAddress, giftMessage, Status.CANCELLED, e.getReason(),
                    e.getSequence(), placedAt, e.getOccurredAt());
        }
        if (event instanceof DeliveryAddressChanged e) {
            return new Order(id, customerId, lines, fromEvent(e.getDeliveryAddress()), giftMessage, status, cancelReason,
                    e.getSequence(), placedAt, e.getOccurredAt());
        }
        throw new IllegalArgumentException("Order does not apply " + event.getSchema().getFullName());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static DeliveryAddress toEvent(Address a) {
        return new DeliveryAddress(a.recipient(), a.street(), a.city(), a.postalCode(), a.country(), a.instructions());
    }

    private static Address fromEvent(DeliveryAddress a) {
        return new Address(a.getRecipient(), a.getStreet(), a.getCity(), a.getPostalCode(), a.getCountry(),
                a.getInstructions());
    }

    private static OrderRejected invalid(String code, String message) {
        return new OrderRejected(OrderRejected.Kind.INVALID, code, message);
    }

    private static OrderRejected conflict(String code, String message) {
        return new OrderRejected(OrderRejected.Kind.CONFLICT, code, message);
    }

    public UUID id() {
        return id;
    }

    public String customerId() {
        return customerId;
    }

    public List<Line> lines() {
        return lines;
    }

    public Address deliveryAddress() {
        return deliveryAddress;
    }

    /** The message for the recipient, or null. */
    public String giftMessage() {
        return giftMessage;
    }

    public Status status() {
        return status;
    }

    public String cancelReason() {
        return cancelReason;
    }

    public long version() {
        return version;
    }

    public Instant placedAt() {
        return placedAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Order other && id.equals(other.id) && version == other.version;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, version);
    }
}
