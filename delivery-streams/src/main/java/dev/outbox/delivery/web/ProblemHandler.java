package dev.outbox.delivery.web;

import java.time.Duration;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Every error as {@code application/problem+json} (RFC 9457), never a stack trace: Spring's own errors (bad JSON,
 * unknown route, wrong method ...) through {@link ResponseEntityExceptionHandler}, this API's through
 * {@link Problems}, and anything unexpected as a plain 500.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    /** A store that became unqueryable between routing and reading (rebalance): retry shortly. */
    @ExceptionHandler(InvalidStateStoreException.class)
    public Mono<ResponseEntity<Object>> storeNotQueryable(InvalidStateStoreException e, ServerWebExchange exchange) {
        ErrorResponseException problem = Problems.notQueryable("The deliveries store is being rebalanced or "
                + "restored; retry shortly.", Duration.ofSeconds(1));
        return handleErrorResponseException(problem, problem.getHeaders(), problem.getStatusCode(), exchange);
    }

    /**
     * Problems are {@code application/problem+json} whatever the request accepts: without this, an error on the SSE
     * endpoint ({@code produces = text/event-stream}) would be negotiated into an event stream.
     */
    @Override
    protected Mono<ResponseEntity<Object>> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                                  HttpStatusCode status, ServerWebExchange exchange) {
        return super.handleExceptionInternal(ex, body, headers, status, exchange).map(response -> {
            if (!(response.getBody() instanceof ProblemDetail) || response.getHeaders().getContentType() != null) {
                return response;
            }
            HttpHeaders problemHeaders = new HttpHeaders();
            problemHeaders.putAll(response.getHeaders());
            problemHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
            return new ResponseEntity<>(response.getBody(), problemHeaders, response.getStatusCode());
        });
    }

    @ExceptionHandler(Exception.class)
    public Mono<ResponseEntity<Object>> unexpected(Exception e, ServerWebExchange exchange) {
        log.error("Unexpected error on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), e);
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "An unexpected error occurred; it has been logged.");
        body.setTitle("Internal error");
        ErrorResponseException problem = new ErrorResponseException(HttpStatus.INTERNAL_SERVER_ERROR, body, e);
        return handleErrorResponseException(problem, problem.getHeaders(), problem.getStatusCode(), exchange);
    }
}
