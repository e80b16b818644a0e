package dev.outbox.serde;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Configuration of the serializer, deserializer, serdes and HTTP registry client.
 *
 * <p>The keys Confluent's {@code kafka-avro-serializer} reads have the same names, defaults and meaning here, so a
 * configuration written for Confluent's serdes works unchanged: {@value #SCHEMA_REGISTRY_URL_CONFIG},
 * {@value #AUTO_REGISTER_SCHEMAS_CONFIG}, {@value #USE_LATEST_VERSION_CONFIG}, {@value #LATEST_CACHE_TTL_SEC_CONFIG},
 * {@value #SPECIFIC_AVRO_READER_CONFIG}, {@value #KEY_SUBJECT_NAME_STRATEGY_CONFIG},
 * {@value #VALUE_SUBJECT_NAME_STRATEGY_CONFIG}, {@value #AVRO_USE_LOGICAL_TYPE_CONVERTERS_CONFIG},
 * {@value #BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG}, {@value #USER_INFO_CONFIG} (and its deprecated alias
 * {@value #SCHEMA_REGISTRY_USER_INFO_CONFIG}). The
 * {@code schema.registry.*} retry and timeout keys and {@value #AVRO_READER_SCHEMA_CONFIG} are this module's own.
 * Keys not listed here are ignored, so the whole producer / consumer / Streams configuration can be passed.
 *
 * <p>Longer than most classes on purpose: every key, its default, its documentation and its parsing are in this one
 * place, as a reader of a Confluent configuration looks for them.
 */
public final class AvroSerdeConfig {

    /** Comma-separated registry base URLs; the next is tried when one cannot be reached. Required to build a client. */
    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
    /** Register the record's schema when serialising (default true); when false, look it up and fail if absent. */
    public static final String AUTO_REGISTER_SCHEMAS_CONFIG = "auto.register.schemas";
    /** Serialise with the subject's latest registered schema instead of the record's own (default false). */
    public static final String USE_LATEST_VERSION_CONFIG = "use.latest.version";
    /** Seconds the subject's latest version stays cached; negative (default -1) caches it until restart. */
    public static final String LATEST_CACHE_TTL_SEC_CONFIG = "latest.cache.ttl.sec";
    /** Deserialise to the generated SpecificRecord class of the writer's full name (default false: GenericRecord). */
    public static final String SPECIFIC_AVRO_READER_CONFIG = "specific.avro.reader";
    /** Subject name strategy for keys (default TopicNameStrategy). */
    public static final String KEY_SUBJECT_NAME_STRATEGY_CONFIG = "key.subject.name.strategy";
    /** Subject name strategy for values (default TopicNameStrategy). */
    public static final String VALUE_SUBJECT_NAME_STRATEGY_CONFIG = "value.subject.name.strategy";
    /** Generic reads convert logical types (uuid → UUID, timestamp-millis → Instant ...); default false, as Confluent. */
    public static final String AVRO_USE_LOGICAL_TYPE_CONVERTERS_CONFIG = "avro.use.logical.type.converters";
    /** Reader schema (JSON) for generic reads; the writer's schema is resolved to it. Default: read as written. */
    public static final String AVRO_READER_SCHEMA_CONFIG = "avro.reader.schema";
    /** Retries after a failed round over all URLs (connection failure, timeout, 5xx); default 3. 4xx are never retried. */
    public static final String SCHEMA_REGISTRY_RETRIES_CONFIG = "schema.registry.retries";
    /** Backoff before the first retry, doubled on each further retry; default 100 ms. */
    public static final String SCHEMA_REGISTRY_RETRY_BACKOFF_MS_CONFIG = "schema.registry.retry.backoff.ms";
    /** Upper bound of the backoff; default 2000 ms. */
    public static final String SCHEMA_REGISTRY_RETRY_BACKOFF_MAX_MS_CONFIG = "schema.registry.retry.backoff.max.ms";
    /** Time limit of one HTTP request (answer included); default 10000 ms. */
    public static final String SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS_CONFIG = "schema.registry.request.timeout.ms";
    /** Time limit to open a connection; default 5000 ms. */
    public static final String SCHEMA_REGISTRY_CONNECT_TIMEOUT_MS_CONFIG = "schema.registry.connect.timeout.ms";

    /**
     * Where HTTP Basic credentials come from, as in Confluent's client: {@code URL} (default: the user info of each
     * URL, {@code http://user:password@host:8081}; none, no credentials) or {@code USER_INFO}
     * ({@value #USER_INFO_CONFIG}). Confluent's {@code SASL_INHERIT} is not supported.
     */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG = "basic.auth.credentials.source";
    /** The {@value #BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG} that takes the credentials from {@value #USER_INFO_CONFIG}. */
    public static final String CREDENTIALS_SOURCE_USER_INFO = "USER_INFO";
    /** {@code user:password} for HTTP Basic when the source is {@code USER_INFO}. */
    public static final String USER_INFO_CONFIG = "basic.auth.user.info";
    /** Confluent's deprecated name of {@value #USER_INFO_CONFIG}; when both are set, this one wins, as in Confluent. */
    public static final String SCHEMA_REGISTRY_USER_INFO_CONFIG = "schema.registry.basic.auth.user.info";

    /** Confluent's strategy class names, accepted as aliases of this package's classes. */
    public static final String CONFLUENT_TOPIC_NAME_STRATEGY = "io.confluent.kafka.serializers.subject.TopicNameStrategy";
    public static final String CONFLUENT_RECORD_NAME_STRATEGY = "io.confluent.kafka.serializers.subject.RecordNameStrategy";
    public static final String CONFLUENT_TOPIC_RECORD_NAME_STRATEGY =
            "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy";

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL_CONFIG, Type.LIST, List.of(), Importance.HIGH,
                    "Comma-separated schema registry base URLs (Confluent REST API).")
            .define(AUTO_REGISTER_SCHEMAS_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Register the record's schema when serialising; when false, look it up.")
            .define(USE_LATEST_VERSION_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Serialise with the subject's latest registered schema.")
            .define(LATEST_CACHE_TTL_SEC_CONFIG, Type.LONG, -1L, Importance.LOW,
                    "Seconds the latest version of a subject stays cached; negative: forever.")
            .define(SPECIFIC_AVRO_READER_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Deserialise to generated SpecificRecord classes.")
            .define(KEY_SUBJECT_NAME_STRATEGY_CONFIG, Type.STRING, TopicNameStrategy.class.getName(), Importance.MEDIUM,
                    "Subject name strategy for keys.")
            .define(VALUE_SUBJECT_NAME_STRATEGY_CONFIG, Type.STRING, TopicNameStrategy.class.getName(),
                    Importance.MEDIUM, "Subject name strategy for values.")
            .define(AVRO_USE_LOGICAL_TYPE_CONVERTERS_CONFIG, Type.BOOLEAN, false, Importance.LOW,
                    "Convert logical types in generic reads.")
            .define(AVRO_READER_SCHEMA_CONFIG, Type.STRING, null, Importance.LOW,
                    "Reader schema (JSON) for generic reads.")
            .define(SCHEMA_REGISTRY_RETRIES_CONFIG, Type.INT, 3, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Retries when the registry cannot be reached or answers 5xx.")
            .define(SCHEMA_REGISTRY_RETRY_BACKOFF_MS_CONFIG, Type.LONG, 100L, ConfigDef.Range.atLeast(0),
                    Importance.LOW, "Backoff before the first retry, doubled each retry.")
            .define(SCHEMA_REGISTRY_RETRY_BACKOFF_MAX_MS_CONFIG, Type.LONG, 2000L, ConfigDef.Range.atLeast(0),
                    Importance.LOW, "Upper bound of the retry backoff.")
            .define(SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS_CONFIG, Type.LONG, 10_000L, ConfigDef.Range.atLeast(1),
                    Importance.LOW, "Time limit of one registry request.")
            .define(SCHEMA_REGISTRY_CONNECT_TIMEOUT_MS_CONFIG, Type.LONG, 5_000L, ConfigDef.Range.atLeast(1),
                    Importance.LOW, "Time limit to connect to the registry.")
            .define(BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, Type.STRING, "URL", Importance.MEDIUM,
                    "Where HTTP Basic credentials come from: URL (the URLs' user info) or USER_INFO.")
            .define(USER_INFO_CONFIG, Type.PASSWORD, "", Importance.MEDIUM,
                    "user:password for HTTP Basic when the credentials source is USER_INFO.")
            .define(SCHEMA_REGISTRY_USER_INFO_CONFIG, Type.PASSWORD, "", Importance.LOW,
                    "Deprecated name of " + USER_INFO_CONFIG + " (wins when both are set).");

    private final Map<String, Object> originals;
    private final AbstractConfig values;
    private final Object keyStrategy;
    private final Object valueStrategy;

    /** Parses the given configuration (a producer, consumer or Streams configuration may be passed whole). */
    public AvroSerdeConfig(Map<String, ?> configs) {
        Map<String, Object> copy = new HashMap<>();
        if (configs != null) {
            configs.forEach((k, v) -> {
                if (k != null && v != null) {
                    copy.put(k, v);
                }
            });
        }
        this.originals = Map.copyOf(copy);
        // strategies may be given as a class name, a Class or an instance: keep the raw value, give ConfigDef a string
        this.keyStrategy = copy.remove(KEY_SUBJECT_NAME_STRATEGY_CONFIG);
        this.valueStrategy = copy.remove(VALUE_SUBJECT_NAME_STRATEGY_CONFIG);
        this.values = new AbstractConfig(DEFINITION, copy, false);
    }

    /** The configuration as given (null keys and values dropped). */
    public Map<String, Object> originals() {
        return originals;
    }

    public List<String> schemaRegistryUrls() {
        return values.getList(SCHEMA_REGISTRY_URL_CONFIG).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public boolean autoRegisterSchemas() {
        return values.getBoolean(AUTO_REGISTER_SCHEMAS_CONFIG);
    }

    public boolean useLatestVersion() {
        return values.getBoolean(USE_LATEST_VERSION_CONFIG);
    }

    /** Null when the latest version is cached forever. */
    public Duration latestCacheTtl() {
        long seconds = values.getLong(LATEST_CACHE_TTL_SEC_CONFIG);
        return seconds < 0 ? null : Duration.ofSeconds(seconds);
    }

    public boolean specificAvroReader() {
        return values.getBoolean(SPECIFIC_AVRO_READER_CONFIG);
    }

    public boolean useLogicalTypeConverters() {
        return values.getBoolean(AVRO_USE_LOGICAL_TYPE_CONVERTERS_CONFIG);
    }

    /** The configured generic reader schema, or null. */
    public Schema readerSchema() {
        String json = values.getString(AVRO_READER_SCHEMA_CONFIG);
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            return new Schema.Parser().parse(json);
        } catch (SchemaParseException e) {
            throw new ConfigException(AVRO_READER_SCHEMA_CONFIG, json, "not a valid Avro schema: " + e.getMessage());
        }
    }

    /**
     * The {@code user:password} to send with every request when the credentials source is {@code USER_INFO}; null
     * for {@code URL} (each URL's own user info, if any, is sent).
     *
     * @throws ConfigException for an unknown or unsupported source, or USER_INFO without {@code user:password}
     */
    public String basicAuthUserInfo() {
        String source = values.getString(BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG).trim().toUpperCase(Locale.ROOT);
        switch (source) {
            case "URL":
                return null;
            case "USER_INFO":
                String userInfo = password(SCHEMA_REGISTRY_USER_INFO_CONFIG);
                if (userInfo.isEmpty()) {
                    userInfo = password(USER_INFO_CONFIG);
                }
                if (userInfo.isEmpty()) {
                    throw new ConfigException(USER_INFO_CONFIG + " (user:password) must be set when "
                            + BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG + " is USER_INFO");
                }
                if (userInfo.indexOf(':') < 1) {
                    // the value is a secret: not in the message
                    throw new ConfigException(USER_INFO_CONFIG, "[hidden]", "expected user:password");
                }
                return userInfo;
            case "SASL_INHERIT":
                throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, source,
                        "SASL_INHERIT is not supported by this serde; use URL or USER_INFO");
            default:
                throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, source, "expected URL, USER_INFO");
        }
    }

    private String password(String key) {
        org.apache.kafka.common.config.types.Password value = values.getPassword(key);
        return value == null ? "" : value.value();
    }

    public HttpSchemaRegistryClient.Settings clientSettings() {
        return new HttpSchemaRegistryClient.Settings(
                values.getInt(SCHEMA_REGISTRY_RETRIES_CONFIG),
                Duration.ofMillis(values.getLong(SCHEMA_REGISTRY_RETRY_BACKOFF_MS_CONFIG)),
                Duration.ofMillis(values.getLong(SCHEMA_REGISTRY_RETRY_BACKOFF_MAX_MS_CONFIG)),
                Duration.ofMillis(values.getLong(SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS_CONFIG)),
                Duration.ofMillis(values.getLong(SCHEMA_REGISTRY_CONNECT_TIMEOUT_MS_CONFIG)));
    }

    /**
     * A caching HTTP client for {@value #SCHEMA_REGISTRY_URL_CONFIG}.
     *
     * @throws ConfigException when no URL is configured
     */
    public CachedSchemaRegistryClient createClient() {
        List<String> urls = schemaRegistryUrls();
        if (urls.isEmpty()) {
            throw new ConfigException("Missing required configuration \"" + SCHEMA_REGISTRY_URL_CONFIG
                    + "\" (comma-separated schema registry URLs, e.g. http://127.0.0.1:8081), and no SchemaRegistryClient "
                    + "was given to the constructor");
        }
        return new CachedSchemaRegistryClient(new HttpSchemaRegistryClient(urls, clientSettings(), basicAuthUserInfo()),
                latestCacheTtl());
    }

    /** The configured strategy for keys or values, instantiated and configured. */
    public SubjectNameStrategy subjectNameStrategy(boolean isKey) {
        String key = isKey ? KEY_SUBJECT_NAME_STRATEGY_CONFIG : VALUE_SUBJECT_NAME_STRATEGY_CONFIG;
        SubjectNameStrategy strategy = resolveStrategy(key, isKey ? keyStrategy : valueStrategy);
        strategy.configure(originals);
        return strategy;
    }

    private static SubjectNameStrategy resolveStrategy(String key, Object value) {
        if (value == null) {
            return new TopicNameStrategy();
        }
        if (value instanceof SubjectNameStrategy instance) {
            return instance;
        }
        String name = value instanceof Class<?> c ? c.getName() : value.toString().trim();
        switch (name) {
            case CONFLUENT_TOPIC_NAME_STRATEGY:
            case "dev.outbox.serde.TopicNameStrategy":
                return new TopicNameStrategy();
            case CONFLUENT_RECORD_NAME_STRATEGY:
            case "dev.outbox.serde.RecordNameStrategy":
                return new RecordNameStrategy();
            case CONFLUENT_TOPIC_RECORD_NAME_STRATEGY:
            case "dev.outbox.serde.TopicRecordNameStrategy":
                return new TopicRecordNameStrategy();
            default:
                break;
        }
        Class<?> type;
        try {
            type = value instanceof Class<?> c ? c : Class.forName(name, true, classLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ConfigException(key, name, "class not found; expected one of Confluent's strategies ("
                    + CONFLUENT_TOPIC_NAME_STRATEGY + ", " + CONFLUENT_RECORD_NAME_STRATEGY + ", "
                    + CONFLUENT_TOPIC_RECORD_NAME_STRATEGY + ") or a class implementing "
                    + SubjectNameStrategy.class.getName());
        }
        if (!SubjectNameStrategy.class.isAssignableFrom(type)) {
            throw new ConfigException(key, name, "does not implement " + SubjectNameStrategy.class.getName()
                    + " (Confluent's own strategy classes other than TopicNameStrategy, RecordNameStrategy and "
                    + "TopicRecordNameStrategy are not supported)");
        }
        try {
            return (SubjectNameStrategy) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new ConfigException(key, name, "cannot be instantiated with a public no-argument constructor: " + e);
        }
    }

    static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : AvroSerdeConfig.class.getClassLoader();
    }
}
