package dev.outbox.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Serde for generated {@link SpecificRecord} classes: {@code specific.avro.reader} is always true, so a record comes
 * back as the generated class named like its writer's schema (with its logical-type conversions), resolved from the
 * writer's version to the class's version. A topic carrying several event types may use
 * {@code SpecificAvroSerde<SpecificRecord>}.
 *
 * @param <T> the generated class
 */
public class SpecificAvroSerde<T extends SpecificRecord> extends AvroSerde<T> {

    private static final Map<String, Object> SPECIFIC = Map.of(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true);

    /** For Kafka Streams' reflective instantiation; configure with {@code schema.registry.url}. */
    public SpecificAvroSerde() {
        super(null, SPECIFIC);
    }

    /** Uses the given registry client; the caller keeps ownership. */
    public SpecificAvroSerde(SchemaRegistryClient client) {
        super(client, SPECIFIC);
    }
}
