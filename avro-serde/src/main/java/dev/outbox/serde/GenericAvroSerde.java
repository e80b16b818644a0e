package dev.outbox.serde;

import java.util.Map;
import org.apache.avro.generic.GenericRecord;

/**
 * Serde for {@link GenericRecord}s: {@code specific.avro.reader} is always false; records come back in the writer's
 * schema, or in {@code avro.reader.schema} when configured.
 */
public class GenericAvroSerde extends AvroSerde<GenericRecord> {

    private static final Map<String, Object> GENERIC = Map.of(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, false);

    /** For Kafka Streams' reflective instantiation; configure with {@code schema.registry.url}. */
    public GenericAvroSerde() {
        super(null, GENERIC);
    }

    /** Uses the given registry client; the caller keeps ownership. */
    public GenericAvroSerde(SchemaRegistryClient client) {
        super(client, GENERIC);
    }
}
