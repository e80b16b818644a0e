package dev.outbox.delivery.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outbox.events.delivery.CommandOutcome;
import dev.outbox.events.delivery.DeliveryCommandResult;
import dev.outbox.events.delivery.DeliveryStatus;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The requests of this instance waiting for their commands' results, several of them for one command id. */
class PendingCommandsTest {

    private final PendingCommands pending = new PendingCommands();
    private final UUID commandId = UUID.randomUUID();
    private final DeliveryCommandResult result = new DeliveryCommandResult(commandId, UUID.randomUUID(),
            CommandOutcome.ACCEPTED, DeliveryStatus.IN_TRANSIT, null, Instant.parse("2025-03-01T12:00:00Z"));

    @Test
    void aRetryWaitingForTheSameCommandGetsTheResultAfterTheFirstRequestGaveUp() {
        CompletableFuture<DeliveryCommandResult> first = pending.expect(commandId);
        CompletableFuture<DeliveryCommandResult> retry = pending.expect(commandId);

        pending.forget(commandId, first); // the first request timed out (504) while the retry still waits
        pending.decided(result);

        assertThat(retry).isCompletedWithValue(result);
        assertThat(pending.size()).isZero();
    }

    @Test
    void theCommandIdIsForgottenWhenItsLastRequestGivesUp() {
        CompletableFuture<DeliveryCommandResult> first = pending.expect(commandId);
        CompletableFuture<DeliveryCommandResult> retry = pending.expect(commandId);

        pending.forget(commandId, first);
        assertThat(pending.size()).isOne();
        pending.forget(commandId, retry);

        assertThat(pending.size()).isZero();
    }

    @Test
    void aRequestForgottenAfterItsResultArrivedDoesNotDropANewerRequestForTheSameId() {
        CompletableFuture<DeliveryCommandResult> answered = pending.expect(commandId);
        pending.decided(result);
        CompletableFuture<DeliveryCommandResult> retry = pending.expect(commandId); // before the first one finished

        pending.forget(commandId, answered);
        pending.decided(result);

        assertThat(answered).isCompletedWithValue(result);
        assertThat(retry).isCompletedWithValue(result);
    }

    @Test
    void aReusedIdFailsEveryRequestWaitingForIt() {
        CompletableFuture<DeliveryCommandResult> first = pending.expect(commandId);
        CompletableFuture<DeliveryCommandResult> retry = pending.expect(commandId);

        pending.idReused(result);

        assertThat(List.of(first, retry)).allSatisfy(answer -> assertThat(answer).isCompletedExceptionally());
        assertThat(pending.size()).isZero();
    }
}
