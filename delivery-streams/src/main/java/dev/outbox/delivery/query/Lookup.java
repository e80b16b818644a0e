package dev.outbox.delivery.query;

import org.springframework.http.MediaType;

/**
 * What a lookup of one order's data gave, wherever its partition lives: read from this instance's store, or the
 * answer of the instance the request was forwarded to.
 *
 * @param <T> the JSON shape read here (a delivery, a page of its history)
 */
public sealed interface Lookup<T> {

    /** Read from this instance's store. */
    record Found<T>(T body, String servedBy, String servedFrom) implements Lookup<T> {
    }

    /** The answer of the instance the request was forwarded to, passed on as is. */
    record Relayed<T>(int status, MediaType contentType, byte[] body, String servedBy, String servedFrom,
                      String retryAfter) implements Lookup<T> {
    }
}
