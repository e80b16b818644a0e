package dev.outbox.delivery.board;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.outbox.delivery.board.PipelineProbe.Part;
import dev.outbox.delivery.board.PipelineProbe.State;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The board's probe of Kafka Connect, against a stand-in that asks for credentials as the local stack's does. */
class HttpPartsTest {

    private static final String BOARD = "board:s3cret";
    private static final String RUNNING = """
            {"name":"order-outbox","connector":{"state":"RUNNING"},"tasks":[{"id":0,"state":"RUNNING"}]}""";

    private HttpServer connect;

    @BeforeEach
    void startConnect() throws Exception {
        connect = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String expected = "Basic " + Base64.getEncoder().encodeToString(BOARD.getBytes(StandardCharsets.UTF_8));
        connect.createContext("/connectors/order-outbox/status", exchange -> {
            boolean authenticated = expected.equals(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = (authenticated ? RUNNING : "{\"error_code\":401}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(authenticated ? 200 : 401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        connect.start();
    }

    @AfterEach
    void stopConnect() {
        connect.stop(0);
    }

    @Test
    void withTheBoardsCredentialsTheConnectorIsUp() {
        Part part = probe(BOARD).connect();

        assertThat(part.state()).isEqualTo(State.UP);
        assertThat(part.detail()).contains("RUNNING");
    }

    @Test
    void refusedCredentialsAreSaidSoNotTakenForADownConnector() {
        Part part = probe("board:wrong").connect();

        assertThat(part.state()).isEqualTo(State.DEGRADED);
        assertThat(part.detail()).contains("refuses the board's credentials (HTTP 401)")
                .contains("board.connect-user-info");
    }

    @Test
    void noCredentialsAreRefusedToo() {
        assertThat(probe("").connect().state()).isEqualTo(State.DEGRADED);
    }

    private HttpParts probe(String connectUserInfo) {
        BoardProperties board = new BoardProperties("http://127.0.0.1:1",
                "http://127.0.0.1:" + connect.getAddress().getPort(), connectUserInfo, "order-outbox",
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(60));
        return new HttpParts(board, "http://127.0.0.1:1", "", JsonMapper.builder().build());
    }
}
