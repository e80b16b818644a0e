package dev.outbox.delivery.query;

import dev.outbox.events.delivery.DeliveryView;
import org.springframework.http.MediaType;

/** What a lookup of one delivery found: read here, or the answer of the instance it was forwarded to. */
public sealed interface Answer {

    /** Read from this instance's store. */
    record Found(DeliveryView view, String servedBy, String servedFrom) implements Answer {
    }

    /** The answer of the instance the request was forwarded to, passed on as is. */
    record Relayed(int status, MediaType contentType, byte[] body, String servedBy, String servedFrom,
                   String retryAfter) implements Answer {
    }
}
