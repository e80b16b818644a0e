package dev.outbox.order.http;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;

/**
 * Refuses a body announced larger than the limit with 413 before reading it, and closes the connection
 * ({@code Connection: close}): otherwise the server would read and discard the whole announced body to keep the
 * connection for the next request — 100 MB read for nothing. Bodies without a Content-Length are bounded by the
 * codecs' {@code spring.http.codecs.max-in-memory-size} (same limit), answered 413 by {@link ProblemHandler}, which closes
 * the connection too.
 */
@Component
class BodySizeLimit implements WebFilter {

    private final long maxBytes;

    BodySizeLimit(@Value("${spring.http.codecs.max-in-memory-size:64KB}") org.springframework.util.unit.DataSize max) {
        this.maxBytes = max.toBytes();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long length = exchange.getRequest().getHeaders().getContentLength();
        if (length <= maxBytes) {
            return chain.filter(exchange);
        }
        var response = exchange.getResponse();
        response.setStatusCode(HttpStatus.CONTENT_TOO_LARGE);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        // Reactor Netty closes a connection once a response that says so is sent, without draining the request
        response.getHeaders().set(HttpHeaders.CONNECTION, "close");
        byte[] body = ("{\"type\":\"about:blank\",\"title\":\"Content Too Large\",\"status\":413,"
                + "\"detail\":\"The request body is " + length + " bytes; at most " + maxBytes + " are accepted.\","
                + "\"instance\":\"" + exchange.getRequest().getPath().value().replace("\"", "") + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        DataBuffer buffer = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buffer));
    }
}
