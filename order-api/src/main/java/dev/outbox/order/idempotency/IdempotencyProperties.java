package dev.outbox.order.idempotency;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How long Idempotency-Keys are kept, and how they are cleaned up.
 *
 * @param retention        a key is kept (and its first response replayed) at least this long after the order was
 *                         placed; a retry after that places a new order
 * @param cleanupInterval  how often expired keys are deleted (the first run is one interval after start-up)
 * @param cleanupBatchSize rows deleted per statement, so a cleanup never holds many locks or writes a huge binlog
 *                         event; a run repeats batches until one deletes fewer rows
 */
@ConfigurationProperties("orders.idempotency")
public record IdempotencyProperties(
        @DefaultValue("24h") Duration retention,
        @DefaultValue("10m") Duration cleanupInterval,
        @DefaultValue("1000") int cleanupBatchSize) {

    public IdempotencyProperties {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("orders.idempotency.retention must be positive: " + retention);
        }
        if (cleanupInterval.isNegative() || cleanupInterval.isZero()) {
            throw new IllegalArgumentException("orders.idempotency.cleanup-interval must be positive: " + cleanupInterval);
        }
        if (cleanupBatchSize < 1) {
            throw new IllegalArgumentException("orders.idempotency.cleanup-batch-size must be at least 1: "
                    + cleanupBatchSize);
        }
    }
}
