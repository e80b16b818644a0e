package dev.outbox.order.http;

import dev.outbox.serde.SchemaRegistryUnavailableException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import org.springframework.web.bind.support.WebExchangeBindException;

import java.net.ConnectException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.concurrent.TimeoutException;

/**
 * Every error as RFC 9457 problem+json: Spring's own (400 malformed or invalid body, 404, 405, 413, 415 …) through
 * {@link ResponseEntityExceptionHandler}, an unreachable dependency as 503, anything else as a bare 500. The features
 * answer their own exceptions (e.g. {@code lifecycle.OrderProblems}) in advices ordered ahead of this catch-all. No
 * stack trace or SQL ever reaches a client; unexpected errors are logged.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
    static final String RETRY_AFTER_SECONDS = "5";

    /** The database or the schema registry cannot be reached: try again later, nothing was written. */
    @ExceptionHandler({R2dbcTransientResourceException.class, TransientDataAccessResourceException.class,
            CannotCreateTransactionException.class, SchemaRegistryUnavailableException.class})
    ResponseEntity<ProblemDetail> unavailable(Exception e) {
        return serviceUnavailable(e);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, ServerWebExchange exchange) {
        if (causedBy(e, DataBufferLimitException.class)) {
            return BodySizeLimit.outgrownWhileReading();
        }
        // only a dependency that cannot be reached is "try later"; an error the database answered is not
        if (causedBy(e, ConnectException.class) || causedBy(e, TimeoutException.class)
                || causedBy(e, R2dbcTransientResourceException.class)
                || causedBy(e, SchemaRegistryUnavailableException.class)) {
            return serviceUnavailable(e);
        }
        if (connectionLost(e)) {
            return connectionLostDuringRequest(e);
        }
        log.error("unexpected error on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), e);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "An unexpected error occurred; it has been logged.");
        return ResponseEntity.internalServerError().body(problem);
    }

    /** Spring's own exceptions: keep its status and detail, but never the raw message of a nested cause. */
    @Override
    protected Mono<ResponseEntity<Object>> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                                  HttpStatusCode status, ServerWebExchange exchange) {
        if (causedBy(ex, DataBufferLimitException.class)) {
            ResponseEntity<ProblemDetail> tooLarge = BodySizeLimit.outgrownWhileReading();
            return Mono.just(new ResponseEntity<>(tooLarge.getBody(), tooLarge.getHeaders(), tooLarge.getStatusCode()));
        }
        return super.handleExceptionInternal(ex, body, headers, status, exchange);
    }

    /** Bean Validation failures: which fields, and what is wrong with each. */
    @Override
    protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(WebExchangeBindException ex,
            HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        List<Map<String, String>> errors = ex.getFieldErrors().stream()
                .map(f -> Map.of("field", f.getField(), "message", String.valueOf(f.getDefaultMessage())))
                .toList();
        ProblemDetail problem = ex.getBody();
        problem.setDetail("Invalid request: " + errors.stream().map(e -> e.get("field") + " " + e.get("message"))
                .sorted().collect(Collectors.joining("; ")) + ".");
        problem.setProperty("errors", errors);
        return handleExceptionInternal(ex, problem, headers, status, exchange);
    }

    private ResponseEntity<ProblemDetail> serviceUnavailable(Exception e) {
        log.warn("dependency unavailable: {}", e.toString());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "A service the order API depends on is not reachable; nothing was written. Try again later.");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS).body(problem);
    }

    /**
     * The database connection broke while the request used it (the server died or restarted): found by the fault
     * harness's MariaDB kill, where the driver reports it as "Request queue was disposed" with the resource failure
     * only as a suppressed exception of the rollback. The outcome is unknown if it broke during the commit.
     */
    static boolean connectionLost(Throwable e) {
        // the driver's own connection signals only: an error the database answered (a constraint, a trigger) is
        // translated to data-access exceptions too, and stays a 500
        return anyInChain(e, t -> t.getClass().getName().startsWith("io.asyncer.r2dbc.mysql.client.")
                || t instanceof java.nio.channels.ClosedChannelException
                || (t instanceof IllegalStateException && t.getStackTrace().length > 0
                        && t.getStackTrace()[0].getClassName().startsWith("io.asyncer.r2dbc.mysql.client.")));
    }

    private static boolean anyInChain(Throwable e, java.util.function.Predicate<Throwable> test) {
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.Deque<Throwable> todo = new java.util.ArrayDeque<>(List.of(e));
        while (!todo.isEmpty()) {
            Throwable t = todo.pop();
            if (!seen.add(t)) {
                continue;
            }
            if (test.test(t)) {
                return true;
            }
            if (t.getCause() != null) {
                todo.push(t.getCause());
            }
            for (Throwable suppressed : t.getSuppressed()) {
                todo.push(suppressed);
            }
        }
        return false;
    }

    private ResponseEntity<ProblemDetail> connectionLostDuringRequest(Exception e) {
        log.warn("database connection lost during the request: {}", e.toString());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "The connection to the database broke during the request. If it broke while committing, the order may"
                        + " have been placed: retry with the same Idempotency-Key to get its answer either way.");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS).body(problem);
    }

    static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
