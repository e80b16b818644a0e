package dev.outbox.delivery.board;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.when;

import com.sun.net.httpserver.HttpServer;
import dev.outbox.delivery.feed.StatusChanges;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Flux;

/** The board's HTTP side: its page at /, its event stream, and the order API proxy (against a fake order API). */
@WebFluxTest(controllers = {BoardController.class, OrderApiProxy.class})
@AutoConfigureWebTestClient(timeout = "30s")
@Import(BoardHttpTest.Beans.class)
class BoardHttpTest {

    @TestConfiguration
    @EnableConfigurationProperties(BoardProperties.class)
    static class Beans {
        @Bean
        StatusChanges statusChanges() {
            return new StatusChanges();
        }
    }

    private static final AtomicReference<String> lastRequest = new AtomicReference<>();
    private static final HttpServer orderApi = fakeOrderApi();
    private static final int closedPort = closedPort();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("board.order-api-url", () -> "http://127.0.0.1:" + orderApi.getAddress().getPort());
    }

    @AfterAll
    static void stop() {
        orderApi.stop(0);
    }

    @Autowired
    WebTestClient http;
    @MockitoBean
    PipelineProbe probe;

    @Test
    void theBoardPageIsServedAtTheRootWithItsOwnScriptAndNoOtherOrigin() {
        String page = http.get().uri("/").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(page).contains("<title>Delivery board").contains("src=\"board.js\"").doesNotContain("http://", "https://");
        http.get().uri("/board.js").exchange().expectStatus().isOk();
        http.get().uri("/board.css").exchange().expectStatus().isOk();
    }

    @Test
    void theEventStreamStartsWithThePipelinesState() {
        when(probe.snapshot()).thenReturn(new PipelineProbe.Snapshot(Instant.parse("2025-03-01T10:00:00Z"),
                "127.0.0.1:8082", List.of(new PipelineProbe.Part("connect", "Kafka Connect",
                PipelineProbe.State.DOWN, "Kafka Connect is down")), null, 0L, 3,
                new LatencyHistogram(60).snapshot(0)));

        Flux<ServerSentEvent<String>> events = http.get().uri("/board/events").accept(MediaType.TEXT_EVENT_STREAM)
                .exchange().expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() { }).getResponseBody();
        ServerSentEvent<String> first = events.blockFirst();

        assertThat(first.event()).isEqualTo("pipeline");
        assertThat(first.data()).contains("\"state\":\"DOWN\"").contains("Kafka Connect is down")
                .contains("\"duplicates\":3");
    }

    @Test
    void anOrderIsPlacedThroughTheOrderApiAndItsAnswerPassedOn() {
        http.post().uri("/board/api/orders").contentType(MediaType.APPLICATION_JSON)
                .header("Idempotency-Key", "k-1").bodyValue("{\"customerId\":\"c\"}")
                .exchange()
                .expectStatus().isCreated()
                .expectHeader().valueEquals("Location", "/orders/1")
                .expectBody().jsonPath("$.id").isEqualTo("1");
        assertThat(lastRequest.get()).isEqualTo("POST /orders k-1 {\"customerId\":\"c\"}");
    }

    @Test
    void aRefusedCancellationComesBackAsTheOrderApisProblem() {
        String id = "0f8c2b8e-7d1a-4c55-9a11-2b6a1c1e9f00";
        http.post().uri("/board/api/orders/{id}/cancel", id).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"reason\":\"r\"}")
                .exchange()
                .expectStatus().isEqualTo(409)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").isEqualTo("order is already cancelled");
        assertThat(lastRequest.get()).startsWith("POST /orders/" + id + "/cancel");
    }

    @Test
    void onlyOrderIdsArePassedOn() {
        http.post().uri("/board/api/orders/{id}/cancel", "..%2Factuator").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{}").exchange().expectStatus().isBadRequest();
    }

    @Test
    void anOrderApiThatCannotBeReachedIsA502SayingSo() {
        OrderApiProxy proxy = new OrderApiProxy(new BoardProperties("http://127.0.0.1:" + closedPort,
                "http://127.0.0.1:1", "", "order-outbox", java.time.Duration.ofSeconds(1),
                java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(60)));

        assertThatThrownBy(() -> proxy.placeOrder("{}".getBytes(), "application/json", null).block())
                .isInstanceOfSatisfying(ErrorResponseException.class, e -> {
                    assertThat(e.getStatusCode().value()).isEqualTo(502);
                    assertThat(e.getBody().getDetail()).contains("could not be reached")
                            .contains("cannot be placed or cancelled");
                });
    }

    private static HttpServer fakeOrderApi() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/orders", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String path = exchange.getRequestURI().getPath();
                lastRequest.set(exchange.getRequestMethod() + " " + path + " "
                        + (path.endsWith("/cancel") ? "" : exchange.getRequestHeaders().getFirst("Idempotency-Key") + " ")
                        + body);
                byte[] answer;
                if (path.endsWith("/cancel")) {
                    exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
                    answer = "{\"status\":409,\"title\":\"Conflict\",\"detail\":\"order is already cancelled\"}"
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(409, answer.length);
                } else {
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.getResponseHeaders().add("Location", "/orders/1");
                    answer = "{\"id\":\"1\"}".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(201, answer.length);
                }
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
