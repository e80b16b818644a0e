package dev.outbox.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The schema id in a payload's header is not known to the schema registry (Confluent error 40403). Not retried: the
 * record was written against another registry, or the schema was hard-deleted. The cause is the registry's
 * {@link SchemaRegistryException}.
 */
public class UnknownSchemaIdException extends SerializationException {

    private static final long serialVersionUID = 1L;

    private final int schemaId;
    private final String topic;

    public UnknownSchemaIdException(String message, int schemaId, String topic, Throwable cause) {
        super(message, cause);
        this.schemaId = schemaId;
        this.topic = topic;
    }

    /** The schema id read from the payload. */
    public int getSchemaId() {
        return schemaId;
    }

    /** Topic the payload came from; may be null. */
    public String getTopic() {
        return topic;
    }
}
