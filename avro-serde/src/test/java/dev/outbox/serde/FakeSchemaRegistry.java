package dev.outbox.serde;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small in-memory registry speaking the Confluent REST API (the four endpoints the serdes use) with Confluent's
 * error bodies, on the JDK's HttpServer bound to 127.0.0.1 on an ephemeral port. Counts every request.
 *
 * <p>A test declares {@code @RegisterExtension final FakeSchemaRegistry registry = FakeSchemaRegistry.start();}: a
 * fresh registry per test (the field is created with each test instance), stopped after it.
 */
final class FakeSchemaRegistry implements AutoCloseable, AfterEachCallback {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern REGISTER = Pattern.compile("^/subjects/([^/]+)/versions$");
    private static final Pattern LOOKUP = Pattern.compile("^/subjects/([^/]+)$");
    private static final Pattern BY_ID = Pattern.compile("^/schemas/ids/([0-9]+)$");
    private static final Pattern LATEST = Pattern.compile("^/subjects/([^/]+)/versions/latest$");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<String, AtomicInteger> requestsByRoute = new ConcurrentHashMap<>();
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    private final List<String> postContentTypes = new CopyOnWriteArrayList<>();

    // registry state, guarded by "this"
    private final Map<String, Integer> idsBySchema = new LinkedHashMap<>();
    private final Map<Integer, String> schemasById = new LinkedHashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new LinkedHashMap<>();
    private int nextId = 1;

    private volatile int failWithStatus;
    private volatile String requiredAuthorization;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    private FakeSchemaRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    static FakeSchemaRegistry start() {
        try {
            return new FakeSchemaRegistry();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers every request with this status and a Confluent error body (0: behave normally). */
    void failAllWith(int status) {
        this.failWithStatus = status;
    }

    /** Answers 401 (Confluent's shape, with a Basic challenge) unless a request carries these credentials. */
    void requireBasicAuth(String userInfo) {
        this.requiredAuthorization = "Basic " + java.util.Base64.getEncoder()
                .encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    /** The Authorization header of each request ("" when it had none). */
    List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    int requestCount() {
        return requests.get();
    }

    /** Requests per route: "register", "lookup", "byId", "latest", "other". */
    int requestCount(String route) {
        AtomicInteger n = requestsByRoute.get(route);
        return n == null ? 0 : n.get();
    }

    List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    List<String> postContentTypes() {
        return List.copyOf(postContentTypes);
    }

    void resetCounts() {
        requests.set(0);
        requestsByRoute.clear();
        requestLines.clear();
        postContentTypes.clear();
        authorizations.clear();
    }

    synchronized Set<String> subjects() {
        return new TreeSet<>(versionsBySubject.keySet());
    }

    synchronized List<Integer> versions(String subject) {
        return List.copyOf(versionsBySubject.getOrDefault(subject, List.of()));
    }

    /** Registers directly (no HTTP, not counted): for test setup, like a CI step registering schemas. */
    synchronized int registerDirectly(String subject, Schema schema) {
        return register(subject, schema.toString());
    }

    private synchronized int register(String subject, String schemaJson) {
        String canonical = new Schema.Parser().parse(schemaJson).toString();
        Integer id = idsBySchema.get(canonical);
        if (id == null) {
            id = nextId++;
            idsBySchema.put(canonical, id);
            schemasById.put(id, canonical);
        }
        List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        return id;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (RuntimeException e) {
            send(exchange, 500, Map.of("error_code", 50001, "message", "Fake registry error: " + e));
        } finally {
            exchange.close();
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        {
            requests.incrementAndGet();
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            requestLines.add(method + " " + path);
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if ("POST".equals(method)) {
                postContentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(authorization == null ? "" : authorization);
            String required = requiredAuthorization;
            if (required != null && !required.equals(authorization)) {
                count("unauthorized");
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"fake\"");
                send(exchange, 401, Map.of("error_code", 401, "message", "Unauthorized"));
                return;
            }
            int fail = failWithStatus;
            if (fail > 0) {
                count("failed");
                send(exchange, fail, Map.of("error_code", fail * 100 + 1, "message", "Injected failure " + fail));
                return;
            }
            if ("POST".equals(method) && !CONTENT_TYPE.equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                send(exchange, 415, Map.of("error_code", 415, "message", "HTTP 415 Unsupported Media Type"));
                return;
            }
            Matcher m;
            if ("POST".equals(method) && (m = REGISTER.matcher(path)).matches()) {
                count("register");
                String schema = schemaOf(body);
                if (schema == null) {
                    send(exchange, 422, Map.of("error_code", 42201, "message", "Invalid schema"));
                    return;
                }
                send(exchange, 200, Map.of("id", register(decode(m.group(1)), schema)));
            } else if ("GET".equals(method) && (m = LATEST.matcher(path)).matches()) {
                count("latest");
                String subject = decode(m.group(1));
                synchronized (this) {
                    List<Integer> versions = versionsBySubject.get(subject);
                    if (versions == null || versions.isEmpty()) {
                        send(exchange, 404, Map.of("error_code", 40401, "message", "Subject '" + subject + "' not found."));
                        return;
                    }
                    int id = versions.get(versions.size() - 1);
                    send(exchange, 200, Map.of("subject", subject, "id", id, "version", versions.size(),
                            "schema", schemasById.get(id)));
                }
            } else if ("POST".equals(method) && (m = LOOKUP.matcher(path)).matches()) {
                count("lookup");
                String subject = decode(m.group(1));
                String schema = schemaOf(body);
                if (schema == null) {
                    send(exchange, 422, Map.of("error_code", 42201, "message", "Invalid schema"));
                    return;
                }
                String canonical = new Schema.Parser().parse(schema).toString();
                synchronized (this) {
                    List<Integer> versions = versionsBySubject.get(subject);
                    if (versions == null) {
                        send(exchange, 404, Map.of("error_code", 40401, "message", "Subject '" + subject + "' not found."));
                        return;
                    }
                    Integer id = idsBySchema.get(canonical);
                    if (id == null || !versions.contains(id)) {
                        send(exchange, 404, Map.of("error_code", 40403, "message", "Schema not found"));
                        return;
                    }
                    send(exchange, 200, Map.of("subject", subject, "id", id, "version", versions.indexOf(id) + 1,
                            "schema", schemasById.get(id)));
                }
            } else if ("GET".equals(method) && (m = BY_ID.matcher(path)).matches()) {
                count("byId");
                int id = Integer.parseInt(m.group(1));
                String schema;
                synchronized (this) {
                    schema = schemasById.get(id);
                }
                if (schema == null) {
                    send(exchange, 404, Map.of("error_code", 40403, "message", "Schema " + id + " not found"));
                } else {
                    send(exchange, 200, Map.of("schema", schema));
                }
            } else {
                count("other");
                send(exchange, 404, Map.of("error_code", 404, "message", "HTTP 404 Not Found"));
            }
        }
    }

    private static String schemaOf(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            JsonNode schema = node == null ? null : node.get("schema");
            if (schema == null || !schema.isString()) {
                return null;
            }
            new Schema.Parser().parse(schema.stringValue());
            return schema.stringValue();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void count(String route) {
        requestsByRoute.computeIfAbsent(route, r -> new AtomicInteger()).incrementAndGet();
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int status, Map<String, ?> body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** The given serde settings plus {@code schema.registry.url} pointing here. */
    Map<String, Object> config(Object... keysAndValues) {
        Map<String, Object> config = TestData.config(keysAndValues);
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, url());
        return config;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
