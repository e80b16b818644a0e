package dev.outbox.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer writing Avro in the Confluent wire format (magic byte 0, 4-byte big-endian schema id, Avro binary),
 * so any Confluent-compatible consumer can read the records.
 *
 * <p>Accepts {@link SpecificRecord}s (generated classes; their logical-type conversions such as uuid → UUID and
 * timestamp-millis → Instant apply), {@link org.apache.avro.generic.GenericRecord}s (raw or converted logical-type
 * values) and, like Confluent's serializer, Boolean, Integer, Long, Float, Double, CharSequence, byte[] and
 * ByteBuffer (as the Avro primitive schemas). {@code null} is written as {@code null} (tombstone).
 *
 * <p>Configuration ({@link AvroSerdeConfig}, same keys as Confluent): {@code schema.registry.url} (unless a client is
 * given to the constructor), {@code auto.register.schemas} (default true: register the record's schema; false: look it
 * up and fail with {@link SchemaNotRegisteredException} when absent), {@code use.latest.version} (write with the
 * subject's latest registered schema; a record whose schema differs from it only in docs, properties or logical-type
 * annotations is written as is, any other record is converted by Avro schema resolution), and
 * {@code key.subject.name.strategy} / {@code value.subject.name.strategy}.
 *
 * <p>Registry answers are cached ({@link CachedSchemaRegistryClient}): after the first record of a schema no HTTP call
 * is made. Call {@link #preregister(String, Schema)} at start-up to make even the first record free of HTTP, e.g.
 * before serialising on a reactive event loop. Registry failures surface as {@link SerializationException}s whose
 * cause is the typed {@link SchemaRegistryException} / {@link SchemaRegistryUnavailableException}.
 *
 * <p>Thread-safe once configured.
 *
 * <p>A little over the usual size: with {@code use.latest.version}, which record may be written as is and which is
 * converted by schema resolution is a rule of the serializer's own ({@code SchemaPair}), kept beside the code that
 * applies it.
 */
public class KafkaAvroSerializer implements Serializer<Object> {

    /** Plain generic model for the conversion path: values stay in their raw Avro form. */
    private static final GenericData RAW = new GenericData();

    private final RegistryClientHolder registry = new RegistryClientHolder();
    private volatile boolean isKey;
    private volatile boolean autoRegister = true;
    private volatile boolean useLatestVersion;
    private volatile SubjectNameStrategy strategy = new TopicNameStrategy();

    private final ConcurrentMap<Schema, DatumWriter<Object>> specificWriters = new ConcurrentHashMap<>();
    private final ConcurrentMap<Schema, DatumWriter<Object>> genericWriters = new ConcurrentHashMap<>();
    private final ConcurrentMap<SchemaPair, Conversion> conversions = new ConcurrentHashMap<>();

    /** For Kafka's reflective instantiation: {@link #configure} must be called, with {@code schema.registry.url}. */
    public KafkaAvroSerializer() {
    }

    /**
     * Uses the given registry client (wrapped in a {@link CachedSchemaRegistryClient} unless it is one); the caller
     * keeps ownership ({@link #close()} does not close it). Usable at once as a value serializer with the default
     * configuration; {@link #configure} may still be called to change it.
     */
    public KafkaAvroSerializer(SchemaRegistryClient client) {
        registry.given(client);
    }

    /** Uses the given client and configures at once (for use outside a Kafka producer, e.g. an outbox writer). */
    public KafkaAvroSerializer(SchemaRegistryClient client, Map<String, ?> configs, boolean isKey) {
        this(client);
        configure(configs, isKey);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        configure(new AvroSerdeConfig(configs), isKey, null);
    }

    /** Configures with a client shared with a serde (not owned) or, when none, the one given or built from config. */
    void configure(AvroSerdeConfig config, boolean isKey, SchemaRegistryClient shared) {
        this.isKey = isKey;
        this.autoRegister = config.autoRegisterSchemas();
        this.useLatestVersion = config.useLatestVersion();
        this.strategy = config.subjectNameStrategy(isKey);
        registry.configure(config, shared);
    }

    /** The (caching) registry client in use; null before {@link #configure} when none was given. */
    public SchemaRegistryClient schemaRegistryClient() {
        return registry.get();
    }

    /**
     * Resolves ahead of time the schema id this serializer will write for records of {@code schema} on {@code topic},
     * and caches it: registers the schema (default), looks it up ({@code auto.register.schemas=false}) or fetches the
     * subject's latest version ({@code use.latest.version=true}), under the subject the configured strategy gives
     * for this serializer's key/value side. Afterwards {@link #serialize} makes no registry call for such records
     * (with {@code use.latest.version} and a {@code latest.cache.ttl.sec}, until the TTL expires).
     *
     * <p>Call it at start-up (it blocks on HTTP, with the configured retries) for every schema the application
     * writes, so that serialising on a reactive event loop never blocks. Configure the serializer first.
     *
     * @return the schema id records of this schema will carry
     * @throws SerializationException with the typed registry exception as cause when the id cannot be resolved
     */
    public int preregister(String topic, Schema schema) {
        Objects.requireNonNull(schema, "schema");
        Target target = resolve(topic, schema);
        if (target.conversion() != null) {
            target.conversion().check();
        }
        return target.id();
    }

    /** {@link #preregister(String, Schema)} with the schema of a generated class. */
    public int preregister(String topic, Class<? extends SpecificRecord> recordClass) {
        return preregister(topic, SpecificData.get().getSchema(recordClass));
    }

    @Override
    public byte[] serialize(String topic, Headers headers, Object data) {
        return serialize(topic, data);
    }

    @Override
    public byte[] serialize(String topic, Object data) {
        if (data == null) {
            return null;
        }
        Schema schema = AvroData.schemaOf(data);
        Target target = resolve(topic, schema);
        Object value = data instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : data;
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        byte[] header = new byte[ConfluentWireFormat.HEADER_LENGTH];
        ConfluentWireFormat.writeHeader(target.id(), header);
        out.writeBytes(header);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            DatumWriter<Object> writer = writer(schema, data);
            if (target.conversion() == null) {
                writer.write(value, encoder);
            } else {
                target.conversion().write(writer, value, encoder);
            }
            encoder.flush();
        } catch (SerializationException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot serialise " + side() + " of type " + data.getClass().getName()
                    + " (schema " + describe(schema) + ", id " + target.id() + ") for topic " + topic + ": " + e, e);
        }
        return out.toByteArray();
    }

    private record Target(int id, Conversion conversion) {
    }

    private Target resolve(String topic, Schema schema) {
        SchemaRegistryClient registry = this.registry.require(KafkaAvroSerializer.class);
        String subject = strategy.subjectName(topic, isKey, schema);
        if (useLatestVersion) {
            SchemaMetadata latest = call(() -> registry.getLatestSchemaMetadata(subject), subject, schema, topic,
                    "fetch the latest version of subject '" + subject + "' (use.latest.version=true)");
            Conversion conversion = conversions.computeIfAbsent(new SchemaPair(schema, latest.schema(), subject),
                    pair -> new Conversion(pair.source(), pair.target(), subject, latest.id()));
            return new Target(latest.id(), conversion.identical ? null : conversion);
        }
        if (autoRegister) {
            return new Target(call(() -> registry.register(subject, schema), subject, schema, topic,
                    "register schema " + describe(schema) + " under subject '" + subject + "'"), null);
        }
        return new Target(call(() -> registry.lookup(subject, schema), subject, schema, topic,
                "look up schema " + describe(schema) + " under subject '" + subject + "' (auto.register.schemas=false)")
                .id(), null);
    }

    private <T> T call(Supplier<T> registryCall, String subject, Schema schema, String topic, String what) {
        try {
            return registryCall.get();
        } catch (SchemaRegistryUnavailableException e) {
            throw new SerializationException("Cannot serialise " + side() + " for topic " + topic + ": could not "
                    + what + ": " + e.getMessage(), e);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound() && (useLatestVersion || !autoRegister)) {
                String message = useLatestVersion
                        ? "Subject '" + subject + "' has no registered version to serialise " + side() + " for topic "
                        + topic + " with (use.latest.version=true); register " + describe(schema) + " first"
                        : "Schema " + describe(schema) + " is not registered under subject '" + subject + "' and "
                        + "auto.register.schemas=false; register it first (registry: " + e.getMessage() + ")";
                throw new SchemaNotRegisteredException(message, subject, e);
            }
            throw new SerializationException("Cannot serialise " + side() + " for topic " + topic + ": could not "
                    + what + ": " + e.getMessage(), e);
        }
    }

    private DatumWriter<Object> writer(Schema schema, Object data) {
        if (data instanceof SpecificRecord) {
            DatumWriter<Object> writer = specificWriters.get(schema);
            if (writer == null) {
                // the generated class's own model carries its logical-type conversions (UUID, Instant ...)
                writer = new SpecificDatumWriter<>(schema, SpecificData.getForClass(data.getClass()));
                DatumWriter<Object> previous = specificWriters.putIfAbsent(schema, writer);
                writer = previous != null ? previous : writer;
            }
            return writer;
        }
        DatumWriter<Object> writer = genericWriters.get(schema);
        if (writer == null) {
            writer = new GenericDatumWriter<>(schema, AvroData.GENERIC_WITH_CONVERSIONS);
            DatumWriter<Object> previous = genericWriters.putIfAbsent(schema, writer);
            writer = previous != null ? previous : writer;
        }
        return writer;
    }

    private String side() {
        return isKey ? "key" : "value";
    }

    static String describe(Schema schema) {
        return AvroData.isNamed(schema) ? schema.getFullName() : schema.getType().getName();
    }

    private record SchemaPair(Schema source, Schema target, String subject) {
    }

    /**
     * Writes a record of one schema as another (use.latest.version). When both have the same Parsing Canonical Form
     * (they differ only in docs, properties, defaults, aliases or logical-type annotations) the binary encodings are
     * the same and the record is written as is. Otherwise the record is encoded with its own schema and decoded into
     * the target schema by Avro schema resolution (fields the target lacks are dropped, fields it adds take their
     * defaults) before it is written.
     */
    private static final class Conversion {
        final boolean identical;
        private final Schema source;
        private final Schema target;
        private final String subject;
        private final int targetId;
        private final DatumReader<Object> reader;
        private final DatumWriter<Object> writer;
        private volatile String incompatibility;

        Conversion(Schema source, Schema target, String subject, int targetId) {
            this.source = source;
            this.target = target;
            this.subject = subject;
            this.targetId = targetId;
            this.identical = SchemaNormalization.toParsingForm(source).equals(SchemaNormalization.toParsingForm(target));
            if (identical) {
                this.reader = null;
                this.writer = null;
            } else {
                SchemaCompatibility.SchemaPairCompatibility compatibility =
                        SchemaCompatibility.checkReaderWriterCompatibility(target, source);
                if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                    this.incompatibility = compatibility.getResult().getIncompatibilities().stream()
                            .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
                            .collect(Collectors.joining("; "));
                }
                this.reader = new GenericDatumReader<>(source, target, RAW);
                this.writer = new GenericDatumWriter<>(target, RAW);
            }
        }

        void check() {
            if (incompatibility != null) {
                throw new SerializationException("Records of schema " + describe(source) + " cannot be written as the "
                        + "latest version of subject '" + subject + "' (schema id " + targetId + ", "
                        + describe(target) + ", use.latest.version=true): the latest version cannot read them: "
                        + incompatibility);
            }
        }

        void write(DatumWriter<Object> sourceWriter, Object value, BinaryEncoder out) throws IOException {
            check();
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(128);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(buffer, null);
            sourceWriter.write(value, encoder);
            encoder.flush();
            Object converted = reader.read(null, DecoderFactory.get().binaryDecoder(buffer.toByteArray(), null));
            writer.write(converted, out);
        }
    }

    @Override
    public void close() {
        registry.close();
    }
}
