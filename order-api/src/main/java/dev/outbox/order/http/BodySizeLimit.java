package dev.outbox.order.http;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The body size limit and both of its 413 answers, each closing the connection ({@code Connection: close}):
 * <ul>
 *   <li>a body announced larger than the limit is refused before it is read: otherwise the server would read and
 *       discard the whole announced body to keep the connection for the next request — 100 MB read for nothing;</li>
 *   <li>a body without a Content-Length is bounded by the codecs' {@code spring.http.codecs.max-in-memory-size} (the
 *       same limit); {@link ProblemHandler} answers it with {@link #outgrownWhileReading()}, and the rest of the body
 *       is not read (and discarded) to keep the connection either.</li>
 * </ul>
 */
@Component
class BodySizeLimit implements WebFilter {

    private final long maxBytes;

    BodySizeLimit(@Value("${spring.http.codecs.max-in-memory-size:64KB}") DataSize max) {
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
        byte[] body = ProblemJson.of(HttpStatus.CONTENT_TOO_LARGE.value(), "Content Too Large",
                "The request body is " + length + " bytes; at most " + maxBytes + " are accepted.",
                exchange.getRequest().getPath().value());
        DataBuffer buffer = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buffer));
    }

    /** A body without Content-Length that outgrew the limit while being read. */
    static ResponseEntity<ProblemDetail> outgrownWhileReading() {
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).header(HttpHeaders.CONNECTION, "close")
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
                        "The request body is larger than allowed."));
    }
}
