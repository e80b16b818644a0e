package dev.outbox.delivery.projection;

import dev.outbox.delivery.platform.TraceContext;
import dev.outbox.delivery.projection.DecisionWriter.Prepared;
import dev.outbox.delivery.projection.DeliveryInput.CommandReceived;
import dev.outbox.delivery.rules.Decision;
import dev.outbox.delivery.rules.Delivery;
import dev.outbox.events.delivery.CommandOutcome;
import dev.outbox.events.delivery.DeliveryCommand;
import dev.outbox.events.delivery.DeliveryCommandResult;
import dev.outbox.events.delivery.DeliveryView;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides each delivery command once: a command whose id was decided before (a client's retry under the same
 * Idempotency-Key, see {@link DecidedCommands}) is answered with the first result and changes nothing; one whose id
 * was used for another request is refused ({@value OutputHeaders#COMMAND_ID_REUSED}), also changing nothing.
 */
final class IdempotentCommands {

    private static final Logger log = LoggerFactory.getLogger(IdempotentCommands.class);

    private final Delivery delivery;
    private final DecidedCommands decidedCommands;
    private final DecisionWriter writer;
    private final DeliveryMetrics metrics;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, DeliveryView> deliveries;

    IdempotentCommands(Delivery delivery, DecidedCommands decidedCommands, DecisionWriter writer,
                       DeliveryMetrics metrics) {
        this.delivery = delivery;
        this.decidedCommands = decidedCommands;
        this.writer = writer;
        this.metrics = metrics;
    }

    void init(ProcessorContext<Object, Object> context, KeyValueStore<String, DeliveryView> deliveries) {
        this.context = context;
        this.deliveries = deliveries;
        decidedCommands.init(context);
    }

    /** See {@link WindowStoreAnchor}. */
    void anchor(long now) {
        decidedCommands.anchor(now);
    }

    void decide(String orderId, CommandReceived received) {
        DeliveryCommand command = received.command();
        String commandId = command.getCommandId().toString();
        long nowMs = context.currentSystemTimeMs();
        String fingerprint = DecidedCommands.fingerprint(command);
        DecidedCommands.Decided earlier = decidedCommands.find(commandId, nowMs);
        if (earlier != null) {
            answerRepeated(orderId, command, earlier, fingerprint, received.trace());
            return;
        }
        Decision decision = delivery.decide(deliveries.get(orderId), command, now());
        Prepared prepared = writer.prepare(orderId, decision, received.trace());
        // serialised before anything is written: remembering it cannot fail after the decision's other writes
        byte[] decided = decidedCommands.serialize(new DecidedCommands.Decided(fingerprint, decision.result()));
        writer.writeView(prepared);
        decidedCommands.remember(commandId, decided, nowMs);
        writer.forward(prepared);
        metrics.commandDecided(decision.result().getOutcome());
        if (decision.viewChanged()) {
            log.debug("Command {} on order {}: {} -> {}", command.getCommandId(), orderId,
                    command.getCommand().getClass().getSimpleName(), decision.view().getStatus());
        } else {
            log.info("Command {} on order {}: {} {}: {}", command.getCommandId(), orderId,
                    command.getCommand() == null ? null : command.getCommand().getClass().getSimpleName(),
                    decision.result().getOutcome(), decision.result().getReason());
        }
    }

    private void answerRepeated(String orderId, DeliveryCommand command, DecidedCommands.Decided earlier,
                                String fingerprint, TraceContext trace) {
        Headers headers = trace.addTo(new RecordHeaders());
        DeliveryCommandResult answer;
        if (earlier.fingerprint().equals(fingerprint)) {
            answer = earlier.result();
            log.info("Command {} on order {} was decided before ({}): answering with that result again",
                    command.getCommandId(), orderId, answer.getOutcome());
        } else {
            DeliveryView view = deliveries.get(orderId);
            answer = new DeliveryCommandResult(command.getCommandId(), command.getOrderId(), CommandOutcome.REJECTED,
                    view == null ? null : view.getStatus(), "command id " + command.getCommandId() + " was already "
                    + "used for another command (an Idempotency-Key reused with another request); nothing was done",
                    now());
            headers.add(OutputHeaders.COMMAND_ID_REUSED, "true".getBytes(StandardCharsets.UTF_8));
            log.warn("Command {} on order {} reuses the id of another command: refused", command.getCommandId(),
                    orderId);
        }
        metrics.commandRepeated(answer == earlier.result());
        writer.writeAnswer(orderId, answer, headers);
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }
}
