package dev.outbox.delivery.feed;

import dev.outbox.events.delivery.DeliveryStatusChanged;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Live status changes of all deliveries, as read from {@code delivery.status} on this instance, for the SSE streams.
 * Each subscriber buffers on its own, so a slow client does not hold up the others or the feed.
 */
@Component
public class StatusChanges {

    private static final int PER_SUBSCRIBER_BUFFER = 1024;

    private final Sinks.Many<DeliveryStatusChanged> sink = Sinks.many().multicast().directBestEffort();

    /** Called from the feed's single thread only, so emissions never race. */
    public void publish(DeliveryStatusChanged change) {
        sink.tryEmitNext(change);
    }

    /**
     * Every status change, for the delivery board. A subscriber that lets more than {@code maxPending} changes pile
     * up gets an error instead of holding them (its stream ends; an EventSource reconnects and reloads).
     */
    public Flux<DeliveryStatusChanged> all(int maxPending) {
        return sink.asFlux().onBackpressureBuffer(maxPending);
    }

    /** Every status change, for a subscriber that keeps up (it is handed each one on the feed's thread). */
    public Flux<DeliveryStatusChanged> all() {
        return sink.asFlux().onBackpressureBuffer(PER_SUBSCRIBER_BUFFER);
    }

    public Flux<DeliveryStatusChanged> of(String orderId) {
        return sink.asFlux()
                .filter(change -> change.getOrderId().toString().equals(orderId))
                .onBackpressureBuffer(PER_SUBSCRIBER_BUFFER);
    }
}
