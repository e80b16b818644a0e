package dev.outbox.order.lifecycle;

import java.util.UUID;

/** Another command changed the order between loading and saving it; nothing was written. */
public final class ConcurrentOrderChange extends RuntimeException {
    public ConcurrentOrderChange(UUID id, long expectedVersion) {
        super("Order " + id + " was changed concurrently (expected version " + expectedVersion
                + "); reload it and retry.", null, false, false);
    }
}
