package dev.outbox.delivery.command;

import dev.outbox.delivery.feed.CommandResultListener;
import dev.outbox.delivery.platform.Problems;
import dev.outbox.events.delivery.DeliveryCommandResult;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.stereotype.Component;

/**
 * Commands sent from this instance and still waiting for their result, by command id. The result may be decided on
 * any instance (whichever owns the order's partition); every instance reads all results and completes its own.
 *
 * <p>Several requests may wait for one command id (a client's retry under the same Idempotency-Key while its first
 * request still waits): each has a future of its own, so that one giving up ({@link #forget}) leaves the others
 * waiting. A command id is forgotten when its result arrives or its last request gives up.
 */
@Component
public class PendingCommands implements CommandResultListener {

    // the lists are changed only inside the map's compute functions, which hold the command id's lock
    private final ConcurrentMap<UUID, List<CompletableFuture<DeliveryCommandResult>>> waiting =
            new ConcurrentHashMap<>();

    /**
     * Registers a request for the command's result before the command is sent, so its result cannot arrive
     * unnoticed. A retry of a command that is still waiting here (the same Idempotency-Key, hence the same id) waits
     * for the same result. The request gives up with {@link #forget(UUID, CompletableFuture)}.
     */
    public CompletableFuture<DeliveryCommandResult> expect(UUID commandId) {
        CompletableFuture<DeliveryCommandResult> answer = new CompletableFuture<>();
        waiting.compute(commandId, (id, answers) -> {
            List<CompletableFuture<DeliveryCommandResult>> all = answers == null ? new ArrayList<>(1) : answers;
            all.add(answer);
            return all;
        });
        return answer;
    }

    /** Completes the waiting requests, if this instance sent the command; results of others are ignored. */
    @Override
    public void decided(DeliveryCommandResult result) {
        List<CompletableFuture<DeliveryCommandResult>> answers = waiting.remove(result.getCommandId());
        if (answers != null) {
            answers.forEach(answer -> answer.complete(result));
        }
    }

    /** Fails the waiting requests with a 422 problem, if this instance sent the command. */
    @Override
    public void idReused(DeliveryCommandResult result) {
        List<CompletableFuture<DeliveryCommandResult>> answers = waiting.remove(result.getCommandId());
        if (answers != null) {
            answers.forEach(answer -> answer.completeExceptionally(Problems.idempotencyKeyReused(
                    result.getOrderId().toString(), result.getCommandId().toString())));
        }
    }

    /**
     * The request that {@link #expect} gave {@code answer} to no longer waits (it timed out, failed or was cancelled);
     * other requests for the same command still do. Once the result has arrived this changes nothing, even when a
     * newer request for the command id waits by then.
     */
    public void forget(UUID commandId, CompletableFuture<DeliveryCommandResult> answer) {
        waiting.computeIfPresent(commandId, (id, answers) -> {
            answers.remove(answer);
            return answers.isEmpty() ? null : answers;
        });
    }

    /** How many command ids requests wait for. */
    public int size() {
        return waiting.size();
    }
}
