package dev.outbox.delivery.platform;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code delivery.*} settings. Kafka Streams' own settings are {@code spring.kafka.streams.*} (see
 * application.properties); these are the app's.
 *
 * @param advertisedHost    host name other instances use to reach this one ({@code application.server} is
 *                          advertised-host:server.port); defaults to server.address
 * @param maxFailedAttempts failed delivery attempts after which a delivery is FAILED
 * @param maxChanges        history entries one delivery takes at most: commands that would add one more are refused
 */
@ConfigurationProperties("delivery")
public record DeliveryProperties(
        String advertisedHost,
        @DefaultValue Topics topics,
        @DefaultValue Dedup dedup,
        @DefaultValue OrderEvents orderEvents,
        @DefaultValue("3") int maxFailedAttempts,
        @DefaultValue("100") int maxChanges,
        @DefaultValue View view,
        @DefaultValue Command command,
        @DefaultValue Query query,
        @DefaultValue Health health) {

    /**
     * Topic names, and how to create them when missing (the broker does not auto-create topics).
     *
     * @param partitions the partition count every delivery topic is expected to have: delivery-streams refuses to
     *                   start when a topic it reads has another one, and creates the missing topics with it; it never
     *                   changes the count of a topic that exists
     */
    public record Topics(
            @DefaultValue(dev.outbox.events.Topics.ORDER_EVENTS) String orderEvents,
            @DefaultValue(dev.outbox.events.Topics.DELIVERY_COMMANDS) String commands,
            @DefaultValue(dev.outbox.events.Topics.DELIVERY_COMMAND_RESULTS) String commandResults,
            @DefaultValue(dev.outbox.events.Topics.DELIVERY_EVENTS) String deliveryEvents,
            @DefaultValue(dev.outbox.events.Topics.DELIVERY_STATUS) String status,
            @DefaultValue(dev.outbox.events.Topics.DELIVERY_DLQ) String deadLetters,
            @DefaultValue("3") int partitions,
            @DefaultValue("1") short replicationFactor) {
    }

    /**
     * @param historyEntries the latest history entries a stored view holds; older ones are in the
     *                       {@code delivery-history} store, served by {@code GET /deliveries/{id}/history}
     */
    public record View(@DefaultValue("20") int historyEntries) {
    }

    /**
     * When health says the projection cannot make progress (DOWN): a stream thread that fails is replaced and goes
     * on from the last commit, so one failure is a hiccup; {@code stalledAfter} failures within {@code failureWindow}
     * mean it fails on the same thing again and again.
     */
    public record Health(@DefaultValue("60s") Duration failureWindow, @DefaultValue("3") int stalledAfter) {
    }

    /** @param retention how long an order event id is remembered for deduplication */
    public record Dedup(@DefaultValue("7d") Duration retention) {
    }

    /**
     * @param gapTimeout       how long an order event that arrived after a gap waits for the missing ones
     * @param gapCheckInterval how often held-back events are checked against the timeout
     */
    public record OrderEvents(@DefaultValue("30s") Duration gapTimeout,
                              @DefaultValue("1s") Duration gapCheckInterval) {
    }

    /**
     * @param timeout              how long an HTTP command waits for its result before answering 504
     * @param idempotencyRetention how long a decided command is remembered by its id: a retry with the same
     *                             Idempotency-Key within this time gets the first result and is not decided again
     */
    public record Command(@DefaultValue("5s") Duration timeout,
                          @DefaultValue("24h") Duration idempotencyRetention) {
    }

    /**
     * @param forwardTimeout how long a query forwarded to another instance may take before the standby is tried
     * @param retryAfter     the Retry-After of a 503 while the store is not queryable
     * @param maxPageSize    upper bound of {@code limit} when listing deliveries
     * @param unavailableWait how long a read of one delivery waits for its partition to become queryable again
     *                        (a rebalance moving it takes a fraction of a second) before it answers 503
     */
    public record Query(@DefaultValue("2s") Duration forwardTimeout,
                        @DefaultValue("1s") Duration retryAfter,
                        @DefaultValue("500") int maxPageSize,
                        @DefaultValue("3s") Duration unavailableWait) {
    }
}
