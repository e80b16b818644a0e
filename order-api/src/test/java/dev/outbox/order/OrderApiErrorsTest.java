package dev.outbox.order;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Every error status of the API, each as problem+json without internals. */
class OrderApiErrorsTest extends OrderApiTestBase {

    @Test
    void malformedJsonIs400() {
        assertProblem(send("POST", "/orders", "{\"customerId\": "), 400);
    }

    @Test
    void anInvalidBodyIs400NamingTheFields() {
        Reply reply = send("POST", "/orders", "{\"customerId\": \"\", \"lines\": [], \"deliveryAddress\": {\"country\": \"gb\"}}");
        assertProblem(reply, 400);
        assertThat(reply.body()).contains("customerId").contains("lines").contains("country");
    }

    @Test
    void aBusinessRuleViolatedByTheCommandIs400WithItsCode() {
        Reply reply = send("POST", "/orders", orderBody("c-1").replace("\"MUG-7\"", "\"BOOK-1\""));
        assertProblem(reply, 400);
        assertThat(reply.json().get("code").asString()).isEqualTo("duplicate-sku");
    }

    @Test
    void aPathIdThatIsNotAUuidIs400() {
        assertProblem(send("GET", "/orders/not-a-uuid", null), 400);
    }

    @Test
    void anUnknownOrderIs404() {
        assertProblem(send("GET", "/orders/" + UUID.randomUUID(), null), 404);
        assertProblem(send("POST", "/orders/" + UUID.randomUUID() + "/cancel", "{\"reason\": \"x\"}"), 404);
    }

    @Test
    void aRuleViolatedByTheOrderStateIs409() {
        String id = send("POST", "/orders", orderBody("c-409")).json().get("id").asString();
        assertThat(send("POST", "/orders/" + id + "/cancel", "{\"reason\": \"first\"}").status()).isEqualTo(200);

        Reply again = send("POST", "/orders/" + id + "/cancel", "{\"reason\": \"second\"}");
        assertProblem(again, 409);
        assertThat(again.json().get("code").asString()).isEqualTo("already-cancelled");
        Reply address = send("PUT", "/orders/" + id + "/delivery-address",
                "{\"recipient\": \"A\", \"street\": \"S\", \"city\": \"C\", \"postalCode\": \"P\", \"country\": \"FR\"}");
        assertProblem(address, 409);
        assertThat(address.json().get("code").asString()).isEqualTo("order-cancelled");
    }

    @Test
    void aBodyOverTheLimitIs413() {
        String huge = orderBody("c-" + "x".repeat(70_000));
        assertProblem(send("POST", "/orders", huge), 413);
    }

    @Test
    void aBodyAnnouncedOverTheLimitIs413AndTheConnectionIsClosedWithoutReadingTheBody() throws Exception {
        // 100 MB announced, 1 KiB sent: the server must answer and close, not wait for (and discard) the rest
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 104857600\r\n\r\n" + "x".repeat(1024)).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertAnsweredAndClosed(socket, 413);
        }
    }

    @Test
    void aChunkedBodyThatOutgrowsTheLimitIs413AndTheConnectionIsClosed() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            // no Content-Length: the codec finds the body too large while reading it
            String chunk = orderBody("c-" + "x".repeat(70_000));
            out.write(("POST /orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(chunk.length()) + "\r\n" + chunk
                    + "\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertAnsweredAndClosed(socket, 413);
        }
    }

    @Test
    void requestsNettyRefusesBeforeSpringSeesThemGetProblemBodiesToo() throws Exception {
        // 414: a request line over server.netty.max-initial-line-length (4 KiB)
        assertRawAnswer("GET /orders/" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414);
        // 431: headers over server.max-http-request-header-size (8 KiB)
        assertRawAnswer("GET /orders HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n", 431);
        // 400: a request line that is not HTTP
        assertRawAnswer("GET /orders HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header Without Colon\r\n\r\n", 400);
    }

    private void assertRawAnswer(String request, int status) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            assertAnsweredAndClosed(socket, status);
        }
    }

    /** Reads the answer: the status, problem+json, Connection: close, and then the end of the stream. */
    private static void assertAnsweredAndClosed(Socket socket, int status) throws Exception {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        boolean closed = false;
        try {
            for (int n; (n = in.read(buffer)) != -1; ) {
                received.write(buffer, 0, n);
            }
            closed = true;
        } catch (java.net.SocketTimeoutException stillOpen) {
            closed = false;
        } catch (java.net.SocketException reset) {
            closed = true;
        }
        String answer = received.toString(StandardCharsets.US_ASCII);
        assertThat(answer).matches("(?s)HTTP/1\\.[01] " + status + " .*");
        String head = answer.substring(0, Math.max(0, answer.indexOf("\r\n\r\n"))).toLowerCase(java.util.Locale.ROOT);
        assertThat(head).contains("content-type: application/problem+json").contains("connection: close");
        assertThat(answer).contains("\"status\":" + status);
        assertThat(closed).as("the server closed the connection; received:\n" + answer).isTrue();
    }

    @Test
    void aBodyThatIsNotJsonIs415() {
        assertProblem(send("POST", "/orders", "customerId=c-1", "Content-Type", "application/x-www-form-urlencoded"), 415);
        assertProblem(send("POST", "/orders", "<order/>", "Content-Type", "application/xml"), 415);
    }

    @Test
    void aMethodTheResourceDoesNotAllowIs405() {
        assertProblem(send("DELETE", "/orders/" + UUID.randomUUID(), null), 405);
    }

    @Test
    void anUnusableIdempotencyKeyIs400() {
        assertProblem(send("POST", "/orders", orderBody("c-key"), "Idempotency-Key", "x".repeat(300)), 400);
    }

    @Test
    void anUnreachableDatabaseIs503WithRetryAfter() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        // command-line arguments, not SpringApplicationBuilder.properties(...): those are only defaults, and
        // application.properties' server.port=8080 would win over them
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(OrderApiApplication.class).run(
                "--server.port=0", "--server.address=127.0.0.1", "--spring.flyway.enabled=false",
                "--logging.structured.format.console=",
                "--spring.r2dbc.url=r2dbc:mysql://127.0.0.1:" + closedPort + "/orders",
                "--spring.r2dbc.pool.initial-size=0", "--spring.r2dbc.pool.max-acquire-time=2s",
                "--outbox.schema-registry-url=" + stack.registryUrl(),
                "--outbox.schema-registry-user-info="
                        + stack.registryAccounts().writerUserInfo())) {
            int appPort = ((WebServerApplicationContext) app).getWebServer().getPort();
            // a free port, never application.properties' 8080 (where a developer's ./stack start listens)
            assertThat(appPort).isNotEqualTo(8080);
            int saved = port;
            port = appPort;
            try {
                Reply place = send("POST", "/orders", orderBody("c-503"));
                assertProblem(place, 503);
                assertThat(place.headers().firstValue("retry-after")).contains("5");
                assertProblem(send("GET", "/orders/" + UUID.randomUUID(), null), 503);
            } finally {
                port = saved;
            }
        }
    }

    static void assertProblem(Reply reply, int status) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().get("status").asInt()).isEqualTo(status);
        assertThat(reply.body()).doesNotContain("Exception").doesNotContain("at dev.").doesNotContain("SELECT")
                .doesNotContain("INSERT");
    }
}
