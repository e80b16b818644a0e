package dev.outbox.delivery.feed;

import dev.outbox.events.delivery.DeliveryCommandResult;

/**
 * Whoever waits for command results (the command API's pending requests): the {@link DeliveryOutputsFeed} hands it
 * every result it reads, whichever instance decided it. The feed knows nothing of HTTP or of who sent the command.
 */
public interface CommandResultListener {

    /** A command was decided: accepted, rejected, or its order unknown. */
    void decided(DeliveryCommandResult result);

    /**
     * A command was refused because its id was already used for another request (an Idempotency-Key reused with
     * another body; the result carries {@code OutputHeaders.COMMAND_ID_REUSED}).
     */
    void idReused(DeliveryCommandResult result);
}
