package dev.outbox.serde;

import java.net.URI;
import java.util.List;

/**
 * No configured schema registry URL gave an answer after the bounded retries: every attempt failed to connect, timed
 * out or got a 5xx. Names the URLs tried and the number of HTTP attempts made; the cause is the last failure.
 *
 * <p>The serializer and deserializer wrap it in a {@link org.apache.kafka.common.errors.SerializationException}
 * (so Kafka Streams' deserialization exception handler sees it); walk {@link Throwable#getCause()} to tell a registry
 * outage (worth failing or retrying the task for) from a poison record.
 */
public class SchemaRegistryUnavailableException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    private final List<URI> urls;
    private final int attempts;

    public SchemaRegistryUnavailableException(String message, List<URI> urls, int attempts, URI lastUrl, int lastStatus,
                                              int lastErrorCode, String lastRegistryMessage, Throwable cause) {
        super(message, lastUrl, lastStatus, lastErrorCode, lastRegistryMessage, cause);
        this.urls = List.copyOf(urls);
        this.attempts = attempts;
    }

    /** The registry base URLs that were tried. */
    public List<URI> getUrls() {
        return urls;
    }

    /** HTTP attempts made in total (all URLs, all rounds) before giving up. */
    public int getAttempts() {
        return attempts;
    }
}
