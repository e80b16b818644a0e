package dev.outbox.serde;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Confluent schema registry REST client on {@link java.net.http.HttpClient}. No caching: every call is an HTTP
 * request (wrap it in a {@link CachedSchemaRegistryClient}, as the serdes do).
 *
 * <p>Requests carry {@code Content-Type: application/vnd.schemaregistry.v1+json}; subjects are percent-encoded.
 * Several base URLs may be given: a request goes to the URL that answered last, and to the next one when a URL
 * cannot be reached, times out or answers 5xx. When a whole round over the URLs fails the client sleeps (backoff,
 * doubled each round up to a maximum) and retries, {@link Settings#retries()} times at most, then throws
 * {@link SchemaRegistryUnavailableException}. A 4xx answer is thrown at once as a {@link SchemaRegistryException}.
 * At most {@code (retries + 1) × number of URLs} HTTP attempts are made per call; {@link #requestAttempts()} counts
 * them all.
 *
 * <p>HTTP Basic credentials: a configured {@code user:password} goes with every request; otherwise a URL's own user
 * info ({@code http://user:password@host:8081}) goes with the requests to that URL. User info is removed from the
 * URLs before they are used or shown in messages. A 401 or 403 is a 4xx: thrown at once, not retried.
 *
 * <p>Thread-safe. Clients with the same connect timeout share one JDK {@code HttpClient} (and its connection pool)
 * unless one is given to the constructor.
 *
 * <p>Longer than most classes on purpose: the four calls, the URLs with their credentials and the one retry and
 * failover loop they all go through are the registry's HTTP contract; split up, each part would need the others'
 * state (preferred URL, attempts, settings).
 */
public class HttpSchemaRegistryClient implements SchemaRegistryClient {

    /** Content type of the Confluent registry API, version 1. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5";

    private static final Logger log = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final java.util.regex.Pattern USER_INFO_IN_URL = java.util.regex.Pattern.compile("://[^/@\\s]*@");
    private static final Map<Duration, HttpClient> SHARED_HTTP_CLIENTS = new ConcurrentHashMap<>();

    /**
     * Retry and timeout settings.
     *
     * @param retries        retries after a failed round over all URLs (0: one round only)
     * @param backoff        sleep before the first retry; doubled before each further retry
     * @param maxBackoff     upper bound of the sleep
     * @param requestTimeout time limit of one HTTP request
     * @param connectTimeout time limit to open a connection
     */
    public record Settings(int retries, Duration backoff, Duration maxBackoff, Duration requestTimeout,
                           Duration connectTimeout) {
        public Settings {
            if (retries < 0) {
                throw new IllegalArgumentException("retries must be >= 0: " + retries);
            }
            Objects.requireNonNull(backoff, "backoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            Objects.requireNonNull(connectTimeout, "connectTimeout");
        }

        /** 3 retries, 100 ms backoff up to 2 s, 10 s per request, 5 s to connect. */
        public static Settings defaults() {
            return new Settings(3, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(10),
                    Duration.ofSeconds(5));
        }
    }

    private final List<URI> baseUrls;
    /** The Authorization header for each base URL, or null. */
    private final List<String> authorizations;
    private final Settings settings;
    private final HttpClient http;
    private final AtomicInteger preferredUrl = new AtomicInteger();
    private final LongAdder requestAttempts = new LongAdder();

    /** A client for comma-separated base URLs with {@link Settings#defaults()}. */
    public HttpSchemaRegistryClient(String urls) {
        this(List.of(urls.split(",")), Settings.defaults());
    }

    /** A client configured from {@value AvroSerdeConfig#SCHEMA_REGISTRY_URL_CONFIG} and the retry/timeout keys. */
    public HttpSchemaRegistryClient(Map<String, ?> configs) {
        this(new AvroSerdeConfig(configs));
    }

    private HttpSchemaRegistryClient(AvroSerdeConfig config) {
        this(config.schemaRegistryUrls(), config.clientSettings(), config.basicAuthUserInfo());
    }

    public HttpSchemaRegistryClient(List<String> urls, Settings settings) {
        this(urls, settings, (String) null);
    }

    /**
     * A client sending {@code userInfo} ({@code user:password}) with every request as HTTP Basic credentials; null:
     * each URL's own user info, if any.
     */
    public HttpSchemaRegistryClient(List<String> urls, Settings settings, String userInfo) {
        this(urls, settings, userInfo, SHARED_HTTP_CLIENTS.computeIfAbsent(settings.connectTimeout(),
                timeout -> HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(timeout)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build()));
    }

    /** A client using the given JDK HTTP client (for TLS settings, proxies, an executor ...). */
    public HttpSchemaRegistryClient(List<String> urls, Settings settings, HttpClient httpClient) {
        this(urls, settings, null, httpClient);
    }

    /** With HTTP Basic credentials ({@code user:password}, or null) and an own JDK HTTP client. */
    public HttpSchemaRegistryClient(List<String> urls, Settings settings, String userInfo, HttpClient httpClient) {
        List<URI> withUserInfo = parseUrls(urls);
        List<URI> plain = new ArrayList<>();
        List<String> headers = new ArrayList<>();
        for (URI uri : withUserInfo) {
            plain.add(withoutUserInfo(uri));
            String credentials = userInfo != null ? userInfo : uri.getUserInfo();
            headers.add(credentials == null ? null : "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        this.baseUrls = List.copyOf(plain);
        this.authorizations = java.util.Collections.unmodifiableList(headers);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.http = Objects.requireNonNull(httpClient, "httpClient");
    }

    private static URI withoutUserInfo(URI uri) {
        String raw = uri.toString();
        if (uri.getRawUserInfo() == null) {
            return uri;
        }
        int authority = raw.indexOf("://") + 3;
        return URI.create(raw.substring(0, authority) + raw.substring(authority + uri.getRawUserInfo().length() + 1));
    }

    /** The text without the user info of any URL in it, for messages. */
    private static String redact(String text) {
        return text == null ? null : USER_INFO_IN_URL.matcher(text).replaceAll("://");
    }

    private static List<URI> parseUrls(List<String> urls) {
        List<URI> parsed = new ArrayList<>();
        for (String raw : urls) {
            String url = raw.trim();
            if (url.isEmpty()) {
                continue;
            }
            while (url.endsWith("/")) {
                url = url.substring(0, url.length() - 1);
            }
            try {
                URI uri = new URI(url);
                if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
                        || uri.getHost() == null) {
                    throw new URISyntaxException(url, "expected http://host[:port][/path] or https://...");
                }
                parsed.add(uri);
            } catch (URISyntaxException e) {
                throw new ConfigException(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, redact(raw.trim()),
                        "not a valid schema registry URL: " + redact(e.getMessage()));
            }
        }
        if (parsed.isEmpty()) {
            throw new ConfigException(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, urls.stream().map(u -> redact(u)).toList(),
                    "at least one schema registry URL is required");
        }
        return List.copyOf(parsed);
    }

    /** The base URLs, in configured order. */
    public List<URI> baseUrls() {
        return baseUrls;
    }

    public Settings settings() {
        return settings;
    }

    /** HTTP attempts made so far, failed ones (connection refused, timeout, 5xx, 4xx) included. */
    public long requestAttempts() {
        return requestAttempts.sum();
    }

    @Override
    public int register(String subject, Schema schema) {
        JsonNode body = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema),
                "register a schema under subject '" + subject + "'");
        return requiredInt(body, "id", "register");
    }

    @Override
    public SchemaMetadata lookup(String subject, Schema schema) {
        JsonNode body = send("POST", "/subjects/" + encode(subject), schemaBody(schema),
                "look up a schema under subject '" + subject + "'");
        return metadata(body, subject, schema, "lookup");
    }

    @Override
    public Schema getSchemaById(int id) {
        JsonNode body = send("GET", "/schemas/ids/" + id, null, "fetch schema id " + id);
        checkAvro(body, "schema id " + id);
        return parse(requiredText(body, "schema", "schema by id"), "schema id " + id);
    }

    @Override
    public SchemaMetadata getLatestSchemaMetadata(String subject) {
        JsonNode body = send("GET", "/subjects/" + encode(subject) + "/versions/latest", null,
                "fetch the latest version of subject '" + subject + "'");
        return metadata(body, subject, null, "latest version");
    }

    private SchemaMetadata metadata(JsonNode body, String subject, Schema known, String what) {
        checkAvro(body, "subject '" + subject + "'");
        int id = requiredInt(body, "id", what);
        int version = body.path("version").asInt(-1);
        String answeredSubject = body.path("subject").asString(subject);
        JsonNode schemaNode = body.get("schema");
        Schema schema = schemaNode != null && schemaNode.isString()
                ? parse(schemaNode.stringValue(), "schema id " + id + " of subject '" + subject + "'")
                : known;
        if (schema == null) {
            throw unexpected(what, "no \"schema\" in the answer: " + abbreviate(body.toString()));
        }
        return new SchemaMetadata(answeredSubject, id, version, schema);
    }

    private static void checkAvro(JsonNode body, String what) {
        JsonNode type = body.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equalsIgnoreCase(type.asString())) {
            throw new SchemaRegistryException(what + " is a " + type.asString() + " schema, not Avro", null, 200, -1,
                    null);
        }
    }

    private static Schema parse(String json, String what) {
        try {
            return new Schema.Parser().parse(json);
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException("The registry answered an unparseable Avro schema for " + what + ": "
                    + e.getMessage(), null, 200, -1, null, e);
        }
    }

    private static String schemaBody(Schema schema) {
        return JSON.writeValueAsString(Map.of("schema", schema.toString()));
    }

    /** Percent-encodes a subject for a path segment ('/' and ' ' included). */
    static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode send(String method, String path, String body, String what) {
        int urls = baseUrls.size();
        int attempts = 0;
        Exception lastFailure = null;
        URI lastUri = null;
        int lastStatus = -1;
        int lastErrorCode = -1;
        String lastMessage = null;
        for (int round = 0; round <= settings.retries(); round++) {
            if (round > 0) {
                sleep(backoff(round), what);
            }
            int start = preferredUrl.get();
            for (int i = 0; i < urls; i++) {
                int index = (start + i) % urls;
                URI uri = URI.create(baseUrls.get(index) + path);
                HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                        .timeout(settings.requestTimeout())
                        .header("Accept", ACCEPT);
                if (authorizations.get(index) != null) {
                    request.header("Authorization", authorizations.get(index));
                }
                if (body != null) {
                    request.header("Content-Type", CONTENT_TYPE)
                            .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
                } else {
                    request.method(method, HttpRequest.BodyPublishers.noBody());
                }
                attempts++;
                requestAttempts.increment();
                HttpResponse<String> response;
                try {
                    response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    log.debug("Schema registry {} {} failed (attempt {}): {}", method, uri, attempts, e.toString());
                    lastFailure = e;
                    lastUri = uri;
                    lastStatus = -1;
                    lastErrorCode = -1;
                    lastMessage = null;
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new org.apache.kafka.common.errors.InterruptException(
                            "Interrupted while trying to " + what + " at " + uri, e);
                }
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    if (index != start) {
                        preferredUrl.set(index);
                    }
                    return readJson(response.body(), what, uri);
                }
                ErrorBody error = ErrorBody.parse(response.body());
                String message = "Schema registry at " + baseUrls.get(index) + " answered " + status
                        + (error.code >= 0 ? " (error code " + error.code + ")" : "")
                        + (error.message != null ? ": " + error.message : "")
                        + " when asked to " + what + " (" + method + " " + path + ")"
                        + (status == 401 ? "; check " + AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG + " and "
                                + AvroSerdeConfig.USER_INFO_CONFIG : "")
                        + (status == 403 ? "; the account's role does not allow this" : "");
                if (status >= 500) {
                    log.debug("{} (attempt {})", message, attempts);
                    lastFailure = new SchemaRegistryException(message, uri, status, error.code, error.message);
                    lastUri = uri;
                    lastStatus = status;
                    lastErrorCode = error.code;
                    lastMessage = error.message;
                    continue;
                }
                throw new SchemaRegistryException(message, uri, status, error.code, error.message);
            }
            if (round < settings.retries()) {
                log.warn("Schema registry unavailable at {} when asked to {}: {}; retry {} of {}", baseUrls, what,
                        describe(lastFailure), round + 1, settings.retries());
            }
        }
        throw new SchemaRegistryUnavailableException("Schema registry unavailable at "
                + String.join(", ", baseUrls.stream().map(URI::toString).toList())
                + ": could not " + what + " after " + attempts + " attempt(s) (" + (settings.retries() + 1)
                + " round(s) over " + urls + " URL(s)); last failure: " + describe(lastFailure),
                baseUrls, attempts, lastUri, lastStatus, lastErrorCode, lastMessage, lastFailure);
    }

    private static String describe(Exception failure) {
        if (failure == null) {
            return "none";
        }
        if (failure instanceof SchemaRegistryException) {
            return failure.getMessage();
        }
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message != null ? ": " + message : "");
    }

    private Duration backoff(int round) {
        long base = settings.backoff().toMillis();
        long max = settings.maxBackoff().toMillis();
        long millis = base << Math.min(round - 1, 30);
        if (millis < 0 || millis > max) {
            millis = max;
        }
        return Duration.ofMillis(millis);
    }

    private static void sleep(Duration duration, String what) {
        if (duration.isZero() || duration.isNegative()) {
            return;
        }
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(
                    "Interrupted while waiting to retry to " + what, e);
        }
    }

    private static JsonNode readJson(String body, String what, URI uri) {
        try {
            JsonNode node = JSON.readTree(body == null ? "" : body);
            if (node == null || !node.isObject()) {
                throw unexpected(what, "not a JSON object from " + uri + ": " + abbreviate(body));
            }
            return node;
        } catch (JacksonException e) {
            throw unexpected(what, "not JSON from " + uri + ": " + abbreviate(body));
        }
    }

    private static int requiredInt(JsonNode body, String field, String what) {
        JsonNode node = body.get(field);
        if (node == null || !node.canConvertToInt()) {
            throw unexpected(what, "no integer \"" + field + "\" in " + abbreviate(body.toString()));
        }
        return node.intValue();
    }

    private static String requiredText(JsonNode body, String field, String what) {
        JsonNode node = body.get(field);
        if (node == null || !node.isString()) {
            throw unexpected(what, "no string \"" + field + "\" in " + abbreviate(body.toString()));
        }
        return node.stringValue();
    }

    private static SchemaRegistryException unexpected(String what, String detail) {
        return new SchemaRegistryException("Unexpected schema registry answer to " + what + ": " + detail, null, 200,
                -1, null);
    }

    static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    @Override
    public String toString() {
        return "HttpSchemaRegistryClient" + baseUrls;
    }

    /** A Confluent error body; tolerates non-JSON bodies (proxies, HTML error pages). */
    private record ErrorBody(int code, String message) {
        static ErrorBody parse(String body) {
            if (body == null || body.isBlank()) {
                return new ErrorBody(-1, null);
            }
            try {
                JsonNode node = JSON.readTree(body);
                if (node != null && node.isObject()) {
                    JsonNode code = node.get("error_code");
                    JsonNode message = node.get("message");
                    return new ErrorBody(code != null && code.canConvertToInt() ? code.intValue() : -1,
                            message != null && !message.isNull() ? message.asString() : null);
                }
            } catch (JacksonException e) {
                // not JSON: fall through
            }
            return new ErrorBody(-1, abbreviate(body.strip()));
        }
    }
}
