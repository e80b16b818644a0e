package dev.outbox.serde;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A {@link Serde} pairing {@link KafkaAvroSerializer} and {@link KafkaAvroDeserializer} over one shared, caching
 * registry client. Configured like them (same keys); use {@link SpecificAvroSerde} or {@link GenericAvroSerde} for
 * typed results.
 *
 * <p>Kafka Streams instantiates serdes given by class name ({@code default.value.serde}) with the no-argument
 * constructor and calls {@link #configure} with the application's configuration, which must then hold
 * {@code schema.registry.url}. The constructors taking a {@link SchemaRegistryClient} use that client instead (the
 * caller keeps ownership) and leave the serde usable without {@link #configure} (as a value serde).
 *
 * @param <T> the type the application sees; the deserializer's result is cast to it unchecked
 */
public class AvroSerde<T> implements Serde<T> {

    private final KafkaAvroSerializer serializer = new KafkaAvroSerializer();
    private final KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer();
    private final SchemaRegistryClient injected;
    private final Map<String, ?> overrides;
    private SchemaRegistryClient owned;

    /** For Kafka Streams' reflective instantiation; configure with {@code schema.registry.url}. */
    public AvroSerde() {
        this(null, Map.of());
    }

    /** Uses the given client (wrapped in a cache unless it caches); configured as a value serde until reconfigured. */
    public AvroSerde(SchemaRegistryClient client) {
        this(client, Map.of());
    }

    /**
     * @param client    the registry client, or null to build one from {@code schema.registry.url} in {@link #configure}
     * @param overrides configuration that wins over what {@link #configure} is given (e.g. specific.avro.reader)
     */
    protected AvroSerde(SchemaRegistryClient client, Map<String, ?> overrides) {
        this.injected = client == null ? null : CachedSchemaRegistryClient.of(client);
        this.overrides = Map.copyOf(overrides);
        if (injected != null) {
            configure(Map.of(), false);
        }
    }

    @Override
    public synchronized void configure(Map<String, ?> configs, boolean isKey) {
        Map<String, Object> merged = new HashMap<>();
        if (configs != null) {
            configs.forEach((k, v) -> {
                if (k != null && v != null) {
                    merged.put(k, v);
                }
            });
        }
        merged.putAll(overrides);
        AvroSerdeConfig config = new AvroSerdeConfig(merged);
        SchemaRegistryClient client = injected;
        if (client == null) {
            if (owned == null) {
                owned = config.createClient();
            }
            client = owned;
        }
        serializer.configure(config, isKey, client);
        deserializer.configure(config, isKey, client);
    }

    /** The registry client shared by the serializer and deserializer; null before configuration. */
    public SchemaRegistryClient schemaRegistryClient() {
        return injected != null ? injected : owned;
    }

    /** The serializer, for {@link KafkaAvroSerializer#preregister} at start-up. */
    public KafkaAvroSerializer avroSerializer() {
        return serializer;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Serializer<T> serializer() {
        return (Serializer<T>) (Serializer<?>) serializer;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Deserializer<T> deserializer() {
        return (Deserializer<T>) (Deserializer<?>) deserializer;
    }

    @Override
    public synchronized void close() {
        serializer.close();
        deserializer.close();
        if (owned != null) {
            owned.close();
            owned = null;
        }
    }
}
