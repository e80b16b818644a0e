package dev.outbox.registry.support;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plain HTTP to a registry, as Confluent's clients speak to it, with HTTP Basic credentials ({@code user:password})
 * or none.
 */
public final class RegistryClient {

    public static final String V1 = "application/vnd.schemaregistry.v1+json";
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final String baseUrl;
    private final String userInfo;

    RegistryClient(String baseUrl, String userInfo) {
        this.baseUrl = baseUrl;
        this.userInfo = userInfo;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** The same registry with other credentials ({@code user:password}). */
    public RegistryClient as(String userInfo) {
        return new RegistryClient(baseUrl, userInfo);
    }

    /** The same registry without credentials. */
    public RegistryClient anonymous() {
        return new RegistryClient(baseUrl, null);
    }

    public Response get(String path) {
        return send("GET", path, null, V1, null);
    }

    public Response delete(String path) {
        return send("DELETE", path, null, V1, null);
    }

    public Response post(String path, String body) {
        return send("POST", path, body, V1, V1);
    }

    public Response put(String path, String body) {
        return send("PUT", path, body, V1, V1);
    }

    /** A body-less request with one more header (e.g. a malformed Authorization). */
    public Response sendWithHeader(String method, String path, String name, String value) {
        return send(method, path, null, V1, null, name, value);
    }

    public Response send(String method, String path, String body, String accept, String contentType) {
        return send(method, path, body, accept, contentType, null, null);
    }

    private Response send(String method, String path, String body, String accept, String contentType,
                          String extraHeader, String extraValue) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (accept != null) {
            request.header("Accept", accept);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (extraHeader != null) {
            request.header(extraHeader, extraValue);
        }
        if (userInfo != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), response.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Registers and returns the id, failing the test on anything but 200. */
    public int register(String subject, String schema) {
        Response response = post("/subjects/" + subject + "/versions", schemaBody(schema));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("id").asInt();
    }

    /** {@code {"schema": "<schema as a JSON string>"}}. */
    public static String schemaBody(String schema) {
        return json(Map.of("schema", schema));
    }

    public static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    /** An HTTP answer. */
    public record Response(int status, String contentType, String body, Map<String, List<String>> headers) {

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public int errorCode() {
            return json().get("error_code").asInt();
        }

        public String message() {
            return json().get("message").asString();
        }
    }
}
