package dev.outbox.order.lifecycle;

import dev.outbox.order.http.TraceContext;
import dev.outbox.order.idempotency.IdempotentCommands;
import dev.outbox.order.idempotency.IdempotentCommands.Answer;
import dev.outbox.order.lifecycle.OrderRequests.AddressRequest;
import dev.outbox.order.lifecycle.OrderRequests.CancelOrderRequest;
import dev.outbox.order.lifecycle.OrderRequests.PlaceOrderRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import jakarta.validation.Valid;
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
import java.util.UUID;

/**
 * The order API: commands as POST/PUT, the order as GET. It only maps HTTP to a command and the answer back: the
 * Idempotency-Key protocol is {@link IdempotentCommands}, the rules are {@link Order}'s. Errors are problem+json
 * ({@link OrderProblems}, and {@code http.ProblemHandler} for the rest).
 */
@RestController
@RequestMapping(path = "/orders", produces = MediaType.APPLICATION_JSON_VALUE)
class OrderController {

    private final OrderCommandHandler handler;
    private final TraceContext trace;
    private final JsonMapper json;
    private final DryRuns dryRuns;

    OrderController(OrderCommandHandler handler, TraceContext trace, JsonMapper json, DryRuns dryRuns) {
        this.handler = handler;
        this.trace = trace;
        this.json = json;
        this.dryRuns = dryRuns;
    }

    @Operation(summary = "Place an order", description = "201 with the order and its Location. With an "
            + "Idempotency-Key (compared byte for byte, scoped to the body's customerId, kept 24 h by default), a "
            + "replay with the same body returns the first response and writes nothing; the same key with another "
            + "body for the same customer is 422.")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<String>> place(
            @Parameter(description = "Client-chosen key, 1-255 printable ASCII characters")
            @RequestHeader(name = IdempotentCommands.HEADER, required = false) String key,
            @Parameter(hidden = true) @RequestHeader(name = DryRuns.HEADER, required = false) String warmUp,
            @Valid @RequestBody PlaceOrderRequest body, ServerWebExchange exchange) {
        boolean dryRun = dryRuns.requested(warmUp);
        OrderCommand.PlaceOrder command = body.toCommand();
        var traceHeaders = trace.of(exchange);
        // the key is the client's: without authentication, the customer the order is for identifies it (see
        // IdempotencyStore), so the same key sent for another customer is another request
        var request = IdempotentCommands.Request.of(key, command.customerId(), () -> json.writeValueAsString(body));
        return handler.place(command, traceHeaders, request, this::created, dryRun).map(OrderController::response);
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

    private Answer created(Order order) {
        return Answer.first(HttpStatus.CREATED.value(), order.id(), json.writeValueAsString(OrderResponse.of(order)));
    }

    /** The first answer, or its replay (marked {@code Idempotent-Replayed: true}). */
    private static ResponseEntity<String> response(Answer answer) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(answer.status())
                .location(URI.create("/orders/" + answer.resourceId()));
        if (answer.replayed()) {
            response.header("Idempotent-Replayed", "true");
        }
        return response.contentType(MediaType.APPLICATION_JSON).body(answer.body());
    }
}
