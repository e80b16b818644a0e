package dev.outbox.delivery.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.outbox.serde.SchemaRegistryClient;
import dev.outbox.serde.SchemaRegistryException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The app's registry client signs in with {@code outbox.schema-registry.user-info} when it is set. */
class SchemaRegistryConfigTest {

    private static final String USER_INFO = "writer:pw";
    private HttpServer registry;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String expected = "Basic " + Base64.getEncoder().encodeToString(USER_INFO.getBytes(StandardCharsets.UTF_8));
        registry.createContext("/", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(String.valueOf(authorization));
            byte[] body = expected.equals(authorization)
                    ? "{\"schema\":\"\\\"string\\\"\"}".getBytes(StandardCharsets.UTF_8)
                    : "{\"error_code\":401,\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(expected.equals(authorization) ? 200 : 401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        registry.start();
    }

    @AfterEach
    void stop() {
        registry.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + registry.getAddress().getPort();
    }

    @Test
    void withUserInfoTheClientSignsIn() {
        SchemaRegistryClient client = new SchemaRegistryConfig().schemaRegistryClient(url(), USER_INFO);
        try {
            assertThat(client.getSchemaById(1).getType().getName()).isEqualTo("string");
        } finally {
            client.close();
        }
        assertThat(authorizations).singleElement().asString().startsWith("Basic ");
    }

    @Test
    void withoutUserInfoItSendsNoCredentials() {
        SchemaRegistryClient client = new SchemaRegistryConfig().schemaRegistryClient(url(), "");
        try {
            assertThatThrownBy(() -> client.getSchemaById(1))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.getStatus()).isEqualTo(401));
        } finally {
            client.close();
        }
        assertThat(authorizations).containsExactly("null");
    }
}
