package dev.outbox.order;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Registering the event schemas at start-up, against a stand-in registry that answers what the test wants: a
 * permanent refusal (4xx) fails the start-up, a transient failure (5xx) is retried while health says DOWN.
 */
class OrderApiSchemaRegistrationTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The status and body the stand-in registry answers every request with. */
    private final AtomicReference<Answer> answer = new AtomicReference<>();
    private final AtomicInteger ids = new AtomicInteger();
    private HttpServer registry;
    private ConfigurableApplicationContext app;

    record Answer(int status, String body) {
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        if (registry != null) {
            registry.stop(0);
        }
    }

    @Test
    void anIncompatibleSchemaFailsTheStartUpNamingTheSchemaAndTheRegistrysAnswer() throws Exception {
        answer.set(new Answer(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with"
                + " an earlier schema for subject\"}"));

        assertThatThrownBy(() -> app = start())
                .satisfies(e -> assertThat(messages(e))
                        .contains("dev.outbox.events.order.OrderPlaced")
                        .contains("409")
                        .contains("Schema being registered is incompatible"));
    }

    @Test
    void anInvalidSchemaFailsTheStartUp() throws Exception {
        answer.set(new Answer(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}"));

        assertThatThrownBy(() -> app = start()).satisfies(e -> assertThat(messages(e)).contains("422")
                .contains("Invalid schema"));
    }

    @Test
    void anUnavailableRegistryIsRetriedWithHealthDownUntilItAnswers() throws Exception {
        answer.set(new Answer(503, "{\"error_code\":50003,\"message\":\"not ready\"}"));
        app = start();
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();

        JsonNode down = health(port);
        assertThat(down.at("/components/schemaRegistry/status").asString()).isEqualTo("DOWN");
        assertThat(down.at("/components/schemaRegistry/details").toString()).contains("503");

        answer.set(null); // from now on: registered
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String status = "";
        while (System.nanoTime() < deadline && !(status = health(port).at("/components/schemaRegistry/status")
                .asString()).equals("UP")) {
            Thread.sleep(200);
        }
        assertThat(status).isEqualTo("UP");
    }

    private ConfigurableApplicationContext start() throws Exception {
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            Answer a = answer.get();
            byte[] body = (a == null ? "{\"id\":" + ids.incrementAndGet() + "}" : a.body())
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(a == null ? 200 : a.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        registry.start();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        return new SpringApplicationBuilder(OrderApiApplication.class).run(
                "--server.port=0", "--server.address=127.0.0.1", "--spring.flyway.enabled=false",
                "--logging.structured.format.console=", "--spring.main.banner-mode=off",
                "--spring.r2dbc.url=r2dbc:mysql://127.0.0.1:" + closedPort + "/orders",
                "--spring.r2dbc.pool.initial-size=0",
                // the public health shows only the overall status; the test reads the registry's component and details
                "--management.endpoint.health.show-details=always",
                "--outbox.schema-registry-url=http://127.0.0.1:" + registry.getAddress().getPort());
    }

    private static JsonNode health(int port) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/health")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
