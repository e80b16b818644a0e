package dev.outbox.serde;

import java.util.Objects;

/**
 * The registry client of a serializer or deserializer and who owns it: one given to a constructor or shared by a
 * serde belongs to the caller; one built from {@code schema.registry.url} is owned and closed with its user.
 */
final class RegistryClientHolder {

    private volatile SchemaRegistryClient client;
    private volatile boolean owned;

    /** A caller's client, wrapped in a cache unless it is one; not closed by {@link #close()}. */
    RegistryClientHolder given(SchemaRegistryClient client) {
        this.client = CachedSchemaRegistryClient.of(Objects.requireNonNull(client, "client"));
        this.owned = false;
        return this;
    }

    /** On configure: a client shared with a serde wins; otherwise keep the one given, or build one from config. */
    void configure(AvroSerdeConfig config, SchemaRegistryClient shared) {
        if (shared != null) {
            close();
            client = shared;
        } else if (client == null) {
            client = config.createClient();
            owned = true;
        }
    }

    /** The client, or null before configuration when none was given. */
    SchemaRegistryClient get() {
        return client;
    }

    /** The client, or a clear error naming the unconfigured user. */
    SchemaRegistryClient require(Class<?> user) {
        SchemaRegistryClient current = client;
        if (current == null) {
            throw new IllegalStateException(user.getSimpleName() + " is not configured: call configure(...) with "
                    + AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG + ", or pass a SchemaRegistryClient to the constructor");
        }
        return current;
    }

    void close() {
        if (owned && client != null) {
            client.close();
            client = null;
            owned = false;
        }
    }
}
