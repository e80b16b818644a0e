package dev.outbox.order.lifecycle;

import java.util.List;
import java.util.UUID;

/** What a client may ask of an order: plain, immutable values; the {@link Order} aggregate decides. */
public sealed interface OrderCommand {

    /** @param giftMessage a message for the recipient, or null */
    record PlaceOrder(String customerId, List<Line> lines, Address deliveryAddress, String giftMessage)
            implements OrderCommand {
        public PlaceOrder {
            lines = List.copyOf(lines);
        }
    }

    record CancelOrder(UUID orderId, String reason) implements OrderCommand {
    }

    record ChangeDeliveryAddress(UUID orderId, Address deliveryAddress) implements OrderCommand {
    }

    /** One line: how many of which article. */
    record Line(String sku, int quantity) {
    }

    /** A delivery address; {@code instructions} may be null. */
    record Address(String recipient, String street, String city, String postalCode, String country,
                   String instructions) {
    }
}
