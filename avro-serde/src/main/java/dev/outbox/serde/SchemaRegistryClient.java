package dev.outbox.serde;

import org.apache.avro.Schema;

/**
 * The part of the Confluent schema registry REST API the serdes need.
 *
 * <p>Implementations: {@link HttpSchemaRegistryClient} (HTTP, no caching), {@link CachedSchemaRegistryClient}
 * (caching decorator; what the serdes use on their hot path); the tests add {@code CountingSchemaRegistryClient}
 * (counts calls, in the module's test-jar). Implementations must be thread-safe.
 *
 * <p>Errors: {@link SchemaRegistryException} for an error answer (4xx, carrying status and Confluent error code),
 * {@link SchemaRegistryUnavailableException} when no registry answered after the bounded retries.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /**
     * Registers the schema under the subject ({@code POST /subjects/{subject}/versions}), or returns the id it
     * already has there. Registering is idempotent.
     *
     * @return the registry-wide schema id
     */
    int register(String subject, Schema schema);

    /**
     * Looks the schema up under the subject without registering it ({@code POST /subjects/{subject}}).
     *
     * @throws SchemaRegistryException with error code 40401 (no such subject) or 40403 (schema not under the subject)
     */
    SchemaMetadata lookup(String subject, Schema schema);

    /**
     * The schema with the given id ({@code GET /schemas/ids/{id}}).
     *
     * @throws SchemaRegistryException with error code 40403 for an unknown id
     */
    Schema getSchemaById(int id);

    /**
     * The latest version registered under the subject ({@code GET /subjects/{subject}/versions/latest}).
     *
     * @throws SchemaRegistryException with error code 40401 for an unknown subject
     */
    SchemaMetadata getLatestSchemaMetadata(String subject);

    /** Releases resources; the default does nothing. */
    @Override
    default void close() {
    }
}
