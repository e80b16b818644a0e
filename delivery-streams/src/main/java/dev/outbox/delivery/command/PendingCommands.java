package dev.outbox.delivery.command;

import dev.outbox.delivery.feed.CommandResultListener;
import dev.outbox.delivery.platform.Problems;
import dev.outbox.events.delivery.DeliveryCommandResult;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.stereotype.Component;

/**
 * Commands sent from this instance and still waiting for their result, by command id. The result may be decided on
 * any instance (whichever owns the order's partition); every instance reads all results and completes its own.
 */
@Component
public class PendingCommands implements CommandResultListener {

    private final ConcurrentMap<UUID, CompletableFuture<DeliveryCommandResult>> waiting = new ConcurrentHashMap<>();

    /**
     * Registers the command before it is sent, so its result cannot arrive unnoticed. A retry of a command that is
     * still waiting here (the same Idempotency-Key, hence the same id) waits for the same result.
     */
    public CompletableFuture<DeliveryCommandResult> expect(UUID commandId) {
        return waiting.computeIfAbsent(commandId, id -> new CompletableFuture<>());
    }

    /** Completes the waiting request, if this instance sent the command; results of others are ignored. */
    @Override
    public void decided(DeliveryCommandResult result) {
        CompletableFuture<DeliveryCommandResult> answer = waiting.remove(result.getCommandId());
        if (answer != null) {
            answer.complete(result);
        }
    }

    /** Fails the waiting request with a 422 problem, if this instance sent the command. */
    @Override
    public void idReused(DeliveryCommandResult result) {
        CompletableFuture<DeliveryCommandResult> answer = waiting.remove(result.getCommandId());
        if (answer != null) {
            answer.completeExceptionally(Problems.idempotencyKeyReused(result.getOrderId().toString(),
                    result.getCommandId().toString()));
        }
    }

    public void forget(UUID commandId) {
        waiting.remove(commandId);
    }

    public int size() {
        return waiting.size();
    }
}
