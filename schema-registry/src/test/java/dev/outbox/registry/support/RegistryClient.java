package dev.outbox.registry.support;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Plain HTTP to a registry, as Confluent's clients speak to it. */
public final class RegistryClient {

    public static final String V1 = "application/vnd.schemaregistry.v1+json";
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    RegistryClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public String baseUrl() {
        return baseUrl;
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

    public Response send(String method, String path, String body, String accept, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (accept != null) {
            request.header("Accept", accept);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
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
    public record Response(int status, String contentType, String body) {

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
