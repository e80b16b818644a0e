package dev.outbox.delivery.command;

import dev.outbox.delivery.command.CommandRequests.AssignCourierRequest;
import dev.outbox.delivery.command.CommandRequests.ConfirmDeliveryRequest;
import dev.outbox.delivery.command.CommandRequests.ReportFailedAttemptRequest;
import dev.outbox.delivery.trace.TraceContext;
import dev.outbox.delivery.web.OrderIds;
import dev.outbox.delivery.web.Problems;
import dev.outbox.events.delivery.AssignCourier;
import dev.outbox.events.delivery.ConfirmDelivery;
import dev.outbox.events.delivery.ConfirmPickup;
import dev.outbox.events.delivery.DeliveryCommand;
import dev.outbox.events.delivery.DeliveryCommandResult;
import dev.outbox.events.delivery.ReportFailedAttempt;
import java.net.URI;
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
 * The delivery commands over HTTP. Each request is validated, sent to the topology as a {@link DeliveryCommand} and
 * answered with its decision: 202 accepted, 409 rejected, 404 unknown order, 504 when no decision came in time.
 */
@RestController
public class DeliveryCommandController {

    private static final int MAX_TEXT = 200;

    private final CommandGateway gateway;

    public DeliveryCommandController(CommandGateway gateway) {
        this.gateway = gateway;
    }

    @PostMapping("/deliveries/{orderId}/courier")
    public Mono<ResponseEntity<CommandAccepted>> assignCourier(@PathVariable String orderId,
                                                               @RequestBody AssignCourierRequest body,
                                                               @RequestHeader(name = TraceContext.TRACEPARENT, required = false) String traceparent) {
        String courierId = requireText(body.courierId(), "courierId");
        return submit(orderId, new AssignCourier(courierId), traceparent);
    }

    @PostMapping("/deliveries/{orderId}/pickup")
    public Mono<ResponseEntity<CommandAccepted>> confirmPickup(@PathVariable String orderId,
                                                               @RequestHeader(name = TraceContext.TRACEPARENT, required = false) String traceparent) {
        return submit(orderId, new ConfirmPickup(), traceparent);
    }

    @PostMapping("/deliveries/{orderId}/delivery")
    public Mono<ResponseEntity<CommandAccepted>> confirmDelivery(@PathVariable String orderId,
                                                                 @RequestBody(required = false) ConfirmDeliveryRequest body,
                                                                 @RequestHeader(name = TraceContext.TRACEPARENT, required = false) String traceparent) {
        String receivedBy = body == null || body.receivedBy() == null || body.receivedBy().isBlank() ? null
                : requireText(body.receivedBy(), "receivedBy");
        return submit(orderId, new ConfirmDelivery(receivedBy), traceparent);
    }

    @PostMapping("/deliveries/{orderId}/failed-attempts")
    public Mono<ResponseEntity<CommandAccepted>> reportFailedAttempt(@PathVariable String orderId,
                                                                     @RequestBody ReportFailedAttemptRequest body,
                                                                     @RequestHeader(name = TraceContext.TRACEPARENT, required = false) String traceparent) {
        return submit(orderId, new ReportFailedAttempt(requireText(body.reason(), "reason")), traceparent);
    }

    private Mono<ResponseEntity<CommandAccepted>> submit(String rawOrderId, Object request, String traceparent) {
        String orderId = OrderIds.canonical(rawOrderId, "orderId");
        TraceContext trace = TraceContext.of(traceparent);
        if (!trace.isPresent()) {
            trace = TraceContext.newTrace();
        }
        DeliveryCommand command = DeliveryCommand.newBuilder()
                .setCommandId(UUID.randomUUID())
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

    private static String requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw Problems.badRequest(field + " is required and must not be blank");
        }
        if (value.length() > MAX_TEXT) {
            throw Problems.badRequest(field + " must be at most " + MAX_TEXT + " characters");
        }
        return value.strip();
    }
}
