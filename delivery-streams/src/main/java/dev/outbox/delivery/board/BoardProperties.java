package dev.outbox.delivery.board;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code board.*}: where the delivery board finds the parts it shows and acts on (environment: BOARD_ORDER_API_URL,
 * BOARD_CONNECT_URL, ...).
 *
 * @param orderApiUrl     the order API, which the board's order actions are proxied to
 * @param connectUrl      Kafka Connect's REST API, for the connector's task state
 * @param connectUserInfo {@code user:password} for Connect's REST API when it asks for credentials (HTTP Basic)
 * @param connector       the outbox connector's name
 * @param refreshInterval how often the pipeline's state is gathered and pushed to open boards
 * @param probeTimeout    how long one part may take to answer before it is shown as down
 * @param latencyWindow   how far back the end-to-end latency histogram looks
 */
@ConfigurationProperties("board")
public record BoardProperties(
        @DefaultValue("http://127.0.0.1:8080") String orderApiUrl,
        @DefaultValue("http://127.0.0.1:8083") String connectUrl,
        @DefaultValue("") String connectUserInfo,
        @DefaultValue("order-outbox") String connector,
        @DefaultValue("1s") Duration refreshInterval,
        @DefaultValue("1500ms") Duration probeTimeout,
        @DefaultValue("60s") Duration latencyWindow) {
}
