package dev.outbox.order.lifecycle;

import dev.outbox.order.idempotency.AlreadyHandled;
import dev.outbox.order.lifecycle.OrderRequests.AddressRequest;
import dev.outbox.order.lifecycle.OrderRequests.CancelOrderRequest;
import dev.outbox.order.lifecycle.OrderRequests.PlaceOrderRequest;
import dev.outbox.order.http.TraceContext;
import dev.outbox.order.idempotency.IdempotencyStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import jakarta.validation.Valid;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/** The order API: commands as POST/PUT, the order as GET. Errors are problem+json (see {@link ProblemHandler}). */
@RestController
@RequestMapping(path = "/orders", produces = MediaType.APPLICATION_JSON_VALUE)
public class OrderController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final OrderCommandHandler handler;
    private final IdempotencyStore idempotency;
    private final TraceContext trace;
    private final JsonMapper json;

    OrderController(OrderCommandHandler handler, IdempotencyStore idempotency, TraceContext trace, JsonMapper json) {
        this.handler = handler;
        this.idempotency = idempotency;
        this.trace = trace;
        this.json = json;
    }

    @Operation(summary = "Place an order", description = "201 with the order and its Location. With an "
            + "Idempotency-Key (compared byte for byte, scoped to the body's customerId, kept 24 h by default), a "
            + "replay with the same body returns the first response and writes nothing; the same key with another "
            + "body for the same customer is 422.")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<String>> place(
            @Parameter(description = "Client-chosen key, 1-255 printable ASCII characters")
            @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String key,
            @Valid @RequestBody PlaceOrderRequest body, ServerWebExchange exchange) {
        OrderCommand.PlaceOrder command = body.toCommand();
        var traceHeaders = trace.of(exchange);
        if (key == null) {
            return handler.place(command, traceHeaders, order -> Mono.empty()).map(this::created);
        }
        if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            return Mono.error(new IdempotencyKeyProblem(HttpStatus.BAD_REQUEST,
                    "Idempotency-Key must be 1-255 printable ASCII characters."));
        }
        String hash = sha256(json.writeValueAsString(body));
        // the key is the client's: without authentication, the customer the order is for identifies it (see
        // IdempotencyStore), so the same key sent for another customer is another request
        String customer = command.customerId();
        return idempotency.find(customer, key)
                .map(stored -> replay(stored, hash))
                .switchIfEmpty(Mono.defer(() -> handler.place(command, traceHeaders, order -> idempotency.save(customer,
                                key, new IdempotencyStore.Stored(hash, order.id(), HttpStatus.CREATED.value(), render(order))))
                        .map(this::created)
                        // a concurrent request with the same key committed first: answer as its replay (the
                        // handler counts it as outcome "replayed", not as an error)
                        .onErrorResume(AlreadyHandled.class, e -> idempotency.find(customer, key)
                                .map(stored -> replay(stored, hash)).switchIfEmpty(Mono.error(e)))));
    }

    @Operation(summary = "Read an order")
    @GetMapping("/{id}")
    Mono<OrderResponse> get(@PathVariable UUID id) {
        return handler.find(id).map(OrderResponse::of);
    }

    @Operation(summary = "Cancel an order", description = "409 when it was already cancelled.")
    @PostMapping(path = "/{id}/cancel", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<OrderResponse> cancel(@PathVariable UUID id, @Valid @RequestBody CancelOrderRequest body,
                               ServerWebExchange exchange) {
        return handler.cancel(new OrderCommand.CancelOrder(id, body.reason().strip()), trace.of(exchange))
                .map(OrderResponse::of);
    }

    @Operation(summary = "Change the delivery address", description = "409 when the order is cancelled.")
    @PutMapping(path = "/{id}/delivery-address", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<OrderResponse> changeDeliveryAddress(@PathVariable UUID id, @Valid @RequestBody AddressRequest body,
                                              ServerWebExchange exchange) {
        return handler.changeDeliveryAddress(new OrderCommand.ChangeDeliveryAddress(id, body.toAddress()),
                trace.of(exchange)).map(OrderResponse::of);
    }

    private ResponseEntity<String> replay(IdempotencyStore.Stored stored, String hash) {
        if (!stored.requestHash().equals(hash)) {
            throw new IdempotencyKeyProblem(HttpStatus.UNPROCESSABLE_CONTENT,
                    "This Idempotency-Key was already used with a different request body.");
        }
        return ResponseEntity.status(stored.status()).location(location(stored.orderId()))
                .header("Idempotent-Replayed", "true").contentType(MediaType.APPLICATION_JSON).body(stored.body());
    }

    private ResponseEntity<String> created(Order order) {
        return ResponseEntity.created(location(order.id())).contentType(MediaType.APPLICATION_JSON).body(render(order));
    }

    private String render(Order order) {
        return json.writeValueAsString(OrderResponse.of(order));
    }

    private static URI location(UUID id) {
        return URI.create("/orders/" + id);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Misuse of the Idempotency-Key header. */
    public static final class IdempotencyKeyProblem extends RuntimeException {
        public final HttpStatus status;

        IdempotencyKeyProblem(HttpStatus status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
