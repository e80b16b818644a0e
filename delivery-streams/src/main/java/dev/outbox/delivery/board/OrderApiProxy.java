package dev.outbox.delivery.board;

import dev.outbox.delivery.platform.OrderIds;
import dev.outbox.delivery.platform.Problems;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * The board's two order actions, passed on to the order API: {@code POST /board/api/orders} →
 * {@code POST /orders} and {@code POST /board/api/orders/{id}/cancel} → {@code POST /orders/{id}/cancel}, with the
 * body, {@code Content-Type} and {@code Idempotency-Key}; the order API's answer (status, problem body) comes back
 * as it is.
 *
 * <p>A proxy rather than CORS on the order API: the page then talks to one origin only, the order API needs no
 * browser-facing configuration (no allowed origins to keep in step with wherever the board is served), and the
 * board works wherever delivery-streams is reachable, even when the order API is not reachable from the browser.
 * Only these two paths are passed on: this is not an open proxy. When the order API cannot be reached the answer is
 * a 502 problem saying so, in words.
 */
@RestController
public class OrderApiProxy {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final WebClient client;
    private final String orderApiUrl;

    public OrderApiProxy(BoardProperties properties) {
        this.orderApiUrl = properties.orderApiUrl();
        this.client = WebClient.builder().baseUrl(orderApiUrl).build();
    }

    @PostMapping("/board/api/orders")
    public Mono<ResponseEntity<byte[]>> placeOrder(@RequestBody(required = false) byte[] body,
                                                   @RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) String contentType,
                                                   @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        return pass("/orders", body, contentType, key);
    }

    @PostMapping("/board/api/orders/{orderId}/cancel")
    public Mono<ResponseEntity<byte[]>> cancel(@PathVariable String orderId,
                                               @RequestBody(required = false) byte[] body,
                                               @RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) String contentType) {
        return pass("/orders/" + OrderIds.canonical(orderId, "orderId") + "/cancel", body, contentType, null);
    }

    private Mono<ResponseEntity<byte[]>> pass(String path, byte[] body, String contentType, String key) {
        WebClient.RequestBodySpec request = client.post().uri(path)
                .contentType(contentType == null ? MediaType.APPLICATION_JSON : MediaType.parseMediaType(contentType));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return request.bodyValue(body == null ? new byte[0] : body)
                .exchangeToMono(response -> response.toEntity(byte[].class))
                .timeout(TIMEOUT)
                .map(response -> {
                    ResponseEntity.BodyBuilder answer = ResponseEntity.status(response.getStatusCode());
                    MediaType type = response.getHeaders().getContentType();
                    if (type != null) {
                        answer.contentType(type);
                    }
                    String location = response.getHeaders().getFirst(HttpHeaders.LOCATION);
                    if (location != null) {
                        answer.header(HttpHeaders.LOCATION, location);
                    }
                    return answer.body(response.getBody() == null ? new byte[0] : response.getBody());
                })
                .onErrorMap(e -> !(e instanceof org.springframework.web.ErrorResponseException),
                        e -> Problems.problem(HttpStatus.BAD_GATEWAY, "order-api-unreachable",
                                "The order API did not answer",
                                "The order API at " + orderApiUrl + " could not be reached (" + e.getMessage()
                                        + "): orders cannot be placed or cancelled until it is back. The board "
                                        + "still shows the deliveries.", Map.of()));
    }
}
