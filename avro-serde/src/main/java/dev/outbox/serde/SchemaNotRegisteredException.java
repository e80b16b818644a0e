package dev.outbox.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The serializer may not register schemas ({@code auto.register.schemas=false}) and the record's schema is not
 * registered under the subject (or, with {@code use.latest.version=true}, the subject has no version at all).
 * Register the schema first (CI, a migration step, or {@code auto.register.schemas=true}). The cause is the
 * registry's {@link SchemaRegistryException}.
 */
public class SchemaNotRegisteredException extends SerializationException {

    private static final long serialVersionUID = 1L;

    private final String subject;

    public SchemaNotRegisteredException(String message, String subject, Throwable cause) {
        super(message, cause);
        this.subject = subject;
    }

    /** The subject the schema was looked up under. */
    public String getSubject() {
        return subject;
    }
}
