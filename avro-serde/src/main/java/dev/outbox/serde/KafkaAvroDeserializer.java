package dev.outbox.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer for Avro in the Confluent wire format (magic byte 0, 4-byte big-endian schema id, Avro binary).
 *
 * <p>The writer's schema is fetched by id from the registry (once per id; cached) and resolved to the reader schema:
 * with {@code specific.avro.reader=true}, the generated {@link org.apache.avro.specific.SpecificRecord} class named
 * like the writer's schema (read with that class's own model, so uuid → UUID, timestamp-millis → Instant apply); with
 * {@code false} (default), a {@link org.apache.avro.generic.GenericRecord} of the writer's schema, or of
 * {@code avro.reader.schema} when configured ({@code avro.use.logical.type.converters=true} converts logical types in
 * generic reads). Primitive payloads come back as String, Integer, Long, Float, Double, Boolean or byte[], as with
 * Confluent's deserializer. {@code null} comes back as {@code null} (tombstone).
 *
 * <p>Errors are {@link SerializationException}s, so Kafka Streams' deserialization exception handler sees them:
 * {@link UnknownMagicByteException} / {@link InvalidWireFormatException} for a payload not in the wire format,
 * {@link UnknownSchemaIdException} for an id the registry does not know (not retried), and a
 * {@code SerializationException} caused by {@link SchemaRegistryUnavailableException} when the registry could not be
 * reached after the bounded retries.
 *
 * <p>Thread-safe once configured.
 */
public class KafkaAvroDeserializer implements Deserializer<Object> {

    private static final GenericData RAW = new GenericData();

    private final RegistryClientHolder registry = new RegistryClientHolder();
    private volatile boolean isKey;
    private volatile boolean specificReader;
    private volatile boolean logicalTypeConverters;
    private volatile Schema readerSchema;
    private volatile ClassLoader classLoader = AvroSerdeConfig.classLoader();

    private final ConcurrentMap<Integer, Reader> readers = new ConcurrentHashMap<>();

    /** For Kafka's reflective instantiation: {@link #configure} must be called, with {@code schema.registry.url}. */
    public KafkaAvroDeserializer() {
    }

    /**
     * Uses the given registry client (wrapped in a {@link CachedSchemaRegistryClient} unless it is one); the caller
     * keeps ownership. Usable at once (generic reader) without {@link #configure}.
     */
    public KafkaAvroDeserializer(SchemaRegistryClient client) {
        registry.given(client);
    }

    /** Uses the given client and configures at once. */
    public KafkaAvroDeserializer(SchemaRegistryClient client, Map<String, ?> configs, boolean isKey) {
        this(client);
        configure(configs, isKey);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        configure(new AvroSerdeConfig(configs), isKey, null);
    }

    void configure(AvroSerdeConfig config, boolean isKey, SchemaRegistryClient shared) {
        this.isKey = isKey;
        this.specificReader = config.specificAvroReader();
        this.logicalTypeConverters = config.useLogicalTypeConverters();
        this.readerSchema = config.readerSchema();
        this.classLoader = AvroSerdeConfig.classLoader();
        this.readers.clear();
        if (specificReader) {
            GeneratedClassTrust.install();
        }
        registry.configure(config, shared);
    }

    /** The (caching) registry client in use; null before {@link #configure} when none was given. */
    public SchemaRegistryClient schemaRegistryClient() {
        return registry.get();
    }

    @Override
    public Object deserialize(String topic, Headers headers, byte[] data) {
        return deserialize(topic, data);
    }

    @Override
    public Object deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int id = ConfluentWireFormat.schemaId(topic, data);
        Reader reader = readers.get(id);
        if (reader == null) {
            reader = createReader(topic, id);
            Reader previous = readers.putIfAbsent(id, reader);
            reader = previous != null ? previous : reader;
        }
        Object value;
        try {
            value = reader.datumReader().read(null, DecoderFactory.get().binaryDecoder(data,
                    ConfluentWireFormat.HEADER_LENGTH, data.length - ConfluentWireFormat.HEADER_LENGTH, null));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot decode " + side() + " of topic " + topic + " (" + data.length
                    + " bytes) with writer schema id " + id + " (" + KafkaAvroSerializer.describe(reader.writer())
                    + "): " + e, e);
        }
        if (value instanceof Utf8 utf8) {
            return utf8.toString();
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        }
        return value;
    }

    private record Reader(Schema writer, DatumReader<Object> datumReader) {
    }

    private Reader createReader(String topic, int id) {
        SchemaRegistryClient registry = this.registry.require(KafkaAvroDeserializer.class);
        Schema writer;
        try {
            writer = registry.getSchemaById(id);
        } catch (SchemaRegistryUnavailableException e) {
            throw new SerializationException("Cannot deserialise " + side() + " of topic " + topic + ": schema id " + id
                    + " could not be fetched: " + e.getMessage(), e);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new UnknownSchemaIdException("Unknown schema id " + id + " in " + side() + " of topic " + topic
                        + ": the schema registry does not know it (" + e.getMessage() + "); was the record written "
                        + "against another registry, or was the schema deleted?", id, topic, e);
            }
            throw new SerializationException("Cannot deserialise " + side() + " of topic " + topic + ": schema id " + id
                    + " could not be fetched: " + e.getMessage(), e);
        }

        if (specificReader && AvroData.isNamed(writer)) {
            Class<?> type = generatedClass(writer, id, topic);
            // the generated class's own model holds its logical-type conversions
            SpecificData model = SpecificData.getForClass(type);
            Schema reader = model.getSchema(type);
            checkCompatible(writer, reader, id, topic);
            return new Reader(writer, new SpecificDatumReader<>(writer, reader, model));
        }
        Schema reader = readerSchema != null ? readerSchema : writer;
        if (reader != writer) {
            checkCompatible(writer, reader, id, topic);
        }
        return new Reader(writer, new GenericDatumReader<>(writer, reader,
                logicalTypeConverters ? AvroData.GENERIC_WITH_CONVERSIONS : RAW));
    }

    /** The generated class named like the writer's schema; refuses any other class the schema might name. */
    private Class<?> generatedClass(Schema writer, int id, String topic) {
        String name = SpecificData.getClassName(writer);
        Class<?> type;
        try {
            type = Class.forName(name, false, classLoader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new SerializationException("specific.avro.reader=true but there is no generated class " + name
                    + " on the classpath to read schema id " + id + " (" + side() + " of topic " + topic
                    + "); generate it from the schema, or read GenericRecords (specific.avro.reader=false)");
        }
        if (!GeneratedClassTrust.isGenerated(type)) {
            throw new SerializationException("Schema id " + id + " (" + side() + " of topic " + topic + ") names "
                    + name + ", which is not an Avro-generated class (@AvroGenerated SpecificRecord, enum or fixed); "
                    + "refusing to read into it");
        }
        return type;
    }

    private void checkCompatible(Schema writer, Schema reader, int id, String topic) {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new SerializationException("Cannot deserialise " + side() + " of topic " + topic + ": writer schema id "
                    + id + " (" + KafkaAvroSerializer.describe(writer) + ") cannot be read as "
                    + KafkaAvroSerializer.describe(reader) + ": " + result.getResult().getIncompatibilities().stream()
                    .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
                    .collect(Collectors.joining("; ")));
        }
    }

    private String side() {
        return isKey ? "key" : "value";
    }

    @Override
    public void close() {
        registry.close();
    }
}
