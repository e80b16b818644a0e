package dev.outbox.delivery.command;

import dev.outbox.delivery.command.CommandRequests.AssignCourierRequest;
import dev.outbox.delivery.command.CommandRequests.ConfirmDeliveryRequest;
import dev.outbox.delivery.command.CommandRequests.ReportFailedAttemptRequest;
import dev.outbox.delivery.platform.TraceContext;
import dev.outbox.delivery.platform.OrderIds;
import dev.outbox.delivery.platform.Problems;
import dev.outbox.events.delivery.AssignCourier;
import dev.outbox.events.delivery.ConfirmDelivery;
import dev.outbox.events.delivery.ConfirmPickup;
import dev.outbox.events.delivery.DeliveryCommand;
import dev.outbox.events.delivery.DeliveryCommandResult;
import dev.outbox.events.delivery.ReportFailedAttempt;
import jakarta.validation.Valid;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The delivery commands over HTTP. Each request is validated (its body with Bean Validation, see
 * {@link CommandRequests}), sent to the topology as a {@link DeliveryCommand} and
 * answered with its decision: 202 accepted, 409 rejected, 404 unknown order, 504 when no decision came in time.
 *
 * <p>With an {@code Idempotency-Key} header a command can be retried safely (after a 504, a lost connection): the
 * retry is the same command, decided at most once, and answered with the first decision; the same key with another
 * request on the same delivery is 422.
 */
@RestController
public class DeliveryCommandController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final int MAX_IDEMPOTENCY_KEY = 255;

    private final CommandGateway gateway;

    public DeliveryCommandController(CommandGateway gateway) {
        this.gateway = gateway;
    }

    @PostMapping("/deliveries/{orderId}/courier")
    public Mono<ResponseEntity<CommandAccepted>> assignCourier(@PathVariable String orderId,
                                                               @Valid @RequestBody AssignCourierRequest body,
                                                               @RequestHeader(name = TraceContext.TRACEPARENT, required = false) String traceparent,
                                                               @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String idempotencyKey) {
        return submit(orderId, new AssignCourier(body.courierId().strip()), traceparent, idempotencyKey);
    }

    @PostMapping("/deliveries/{orderId}/pickup")
    public Mono<ResponseEntity<CommandAccepted>> confirmPickup(@PathVariable String orderId,
                                                               @RequestHeader(name = TraceContext.TRACEPARENT, required = false) String traceparent,
                                                               @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String idempotencyKey) {
        return submit(orderId, new ConfirmPickup(), traceparent, idempotencyKey);
    }

    @PostMapping("/deliveries/{orderId}/delivery")
    public Mono<ResponseEntity<CommandAccepted>> confirmDelivery(@PathVariable String orderId,
                                                                 @Valid @RequestBody(required = false) ConfirmDeliveryRequest body,
                                                                 @RequestHeader(name = TraceContext.TRACEPARENT, required = false) String traceparent,
                                                                 @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String idempotencyKey) {
        String receivedBy = body == null ? null : body.receivedByOrNull();
        return submit(orderId, new ConfirmDelivery(receivedBy), traceparent, idempotencyKey);
    }

    @PostMapping("/deliveries/{orderId}/failed-attempts")
    public Mono<ResponseEntity<CommandAccepted>> reportFailedAttempt(@PathVariable String orderId,
                                                                     @Valid @RequestBody ReportFailedAttemptRequest body,
                                                                     @RequestHeader(name = TraceContext.TRACEPARENT, required = false) String traceparent,
                                                                     @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String idempotencyKey) {
        return submit(orderId, new ReportFailedAttempt(body.reason().strip()), traceparent, idempotencyKey);
    }

    private Mono<ResponseEntity<CommandAccepted>> submit(String rawOrderId, Object request, String traceparent,
                                                         String idempotencyKey) {
        String orderId = OrderIds.canonical(rawOrderId, "orderId");
        UUID commandId = commandId(orderId, idempotencyKey);
        TraceContext trace = TraceContext.of(traceparent);
        if (!trace.isPresent()) {
            trace = TraceContext.newTrace();
        }
        DeliveryCommand command = DeliveryCommand.newBuilder()
                .setCommandId(commandId)
                .setOrderId(UUID.fromString(orderId))
                .setIssuedAt(Instant.ofEpochMilli(System.currentTimeMillis()))
                .setTraceparent(trace.traceparent())
                .setCommand(request)
                .build();
        String traceHeader = trace.traceparent();
        return gateway.send(command).map(result -> answer(orderId, result, traceHeader));
    }

    private static ResponseEntity<CommandAccepted> answer(String orderId, DeliveryCommandResult result,
                                                          String traceparent) {
        String commandId = result.getCommandId().toString();
        String status = result.getStatus() == null ? null : result.getStatus().name();
        return switch (result.getOutcome()) {
            case ACCEPTED -> ResponseEntity.status(HttpStatus.ACCEPTED)
                    .location(URI.create("/deliveries/" + orderId))
                    .header(TraceContext.TRACEPARENT, traceparent)
                    .body(new CommandAccepted(commandId, orderId, result.getOutcome().name(), status,
                            result.getDecidedAt()));
            case REJECTED -> throw Problems.commandRejected(orderId, commandId, status, result.getReason());
            case UNKNOWN_ORDER -> throw Problems.unknownOrder(orderId, commandId, result.getReason());
        };
    }

    /**
     * Without an Idempotency-Key, a new random id. With one, an id derived from the key and the order id (a
     * name-based UUID), so that a retry is the same command: the processor deciding the order's commands remembers
     * each command id it decided, with its result, and answers a repeated id with that result instead of deciding
     * again. That memory is a changelogged state store written in the same exactly-once transaction as the decision,
     * so it holds across restarts, rebalances and instances, wherever the retry lands. Keeping outcomes here instead
     * (in this instance's memory) would not: a restart forgets them, and a retry sent to another instance, or one
     * sent after a 504 whose command was decided later, would be decided a second time. The order id is part of the
     * name because that store is per partition, i.e. per order: a key is scoped to one delivery.
     */
    static UUID commandId(String orderId, String idempotencyKey) {
        if (idempotencyKey == null) {
            return UUID.randomUUID();
        }
        if (idempotencyKey.isEmpty() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY
                || !idempotencyKey.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw Problems.badRequest(IDEMPOTENCY_KEY + " must be 1-" + MAX_IDEMPOTENCY_KEY
                    + " printable ASCII characters");
        }
        return UUID.nameUUIDFromBytes(("delivery-command/" + orderId + "/" + idempotencyKey)
                .getBytes(StandardCharsets.UTF_8));
    }
}
