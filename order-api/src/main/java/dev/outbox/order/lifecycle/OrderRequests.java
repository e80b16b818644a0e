package dev.outbox.order.lifecycle;

import dev.outbox.order.http.PlainText;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;

/**
 * The JSON bodies the API accepts. Bean Validation checks their shape (required fields, lengths, formats) before
 * a command exists; the {@link Order} aggregate checks the business rules.
 */
public final class OrderRequests {

    private OrderRequests() {
    }

    public record PlaceOrderRequest(
            @NotBlank @Size(max = 64) @PlainText String customerId,
            @NotEmpty @Size(max = Order.MAX_LINES) List<@NotNull @Valid LineRequest> lines,
            @NotNull @Valid AddressRequest deliveryAddress,
            @Size(max = 200) @PlainText String giftMessage) {

        OrderCommand.PlaceOrder toCommand() {
            return new OrderCommand.PlaceOrder(customerId.strip(),
                    lines.stream().map(l -> new OrderCommand.Line(l.sku().strip(), l.quantity())).toList(),
                    deliveryAddress.toAddress(), giftMessage == null || giftMessage.isBlank() ? null : giftMessage.strip());
        }
    }

    public record LineRequest(
            @NotBlank @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9._-]+", message = "letters, digits, '.', '_' and '-' only") String sku,
            @NotNull @Min(1) @Max(Order.MAX_QUANTITY) Integer quantity) {
    }

    public record AddressRequest(
            @NotBlank @Size(max = 200) @PlainText String recipient,
            @NotBlank @Size(max = 200) @PlainText String street,
            @NotBlank @Size(max = 100) @PlainText String city,
            @NotBlank @Size(max = 20) @PlainText String postalCode,
            @NotNull @Pattern(regexp = "[A-Z]{2}", message = "ISO 3166-1 alpha-2 code, upper case") String country,
            @Size(max = 500) @PlainText String instructions) {

        OrderCommand.Address toAddress() {
            return new OrderCommand.Address(recipient.strip(), street.strip(), city.strip(), postalCode.strip(),
                    country, instructions == null || instructions.isBlank() ? null : instructions.strip());
        }
    }

    public record CancelOrderRequest(@NotBlank @Size(max = 500) @PlainText String reason) {
    }
}
