package dev.outbox.delivery.platform;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.MismatchedInputException;

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
     * A body that is JSON but does not fit the request's types ({@code "courierId": 7} with {@link StrictJson}, an
     * object where a string belongs): 400 naming the field, like the validation problems. Other unreadable bodies
     * keep Spring's problem.
     */
    @Override
    protected Mono<ResponseEntity<Object>> handleServerWebInputException(ServerWebInputException ex,
                                                                        HttpHeaders headers, HttpStatusCode status,
                                                                        ServerWebExchange exchange) {
        DatabindException mismatch = Causes.find(ex, DatabindException.class);
        String field = mismatch == null ? "" : path(mismatch);
        if (field.isEmpty()) {
            return super.handleServerWebInputException(ex, headers, status, exchange);
        }
        String expected = mismatch instanceof MismatchedInputException m && m.getTargetType() != null
                ? "must be " + jsonTypeOf(m.getTargetType()) : "has the wrong JSON type";
        ErrorResponseException problem = Problems.invalidField(field, expected);
        return handleExceptionInternal(ex, problem.getBody(), headers, problem.getStatusCode(), exchange);
    }

    /**
     * Bean Validation failures of a request body ({@code @Valid}): 400 naming each field and what is wrong with it,
     * in the same shape as {@link #handleServerWebInputException}'s and the order API's.
     */
    @Override
    protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(WebExchangeBindException ex,
                                                                          HttpHeaders headers, HttpStatusCode status,
                                                                          ServerWebExchange exchange) {
        List<Map<String, String>> errors = ex.getFieldErrors().stream()
                .map(f -> Map.of("field", f.getField(), "message", String.valueOf(f.getDefaultMessage())))
                .toList();
        ErrorResponseException problem = Problems.invalidFields(errors);
        return handleExceptionInternal(ex, problem.getBody(), headers, problem.getStatusCode(), exchange);
    }

    /** {@code deliveryAddress.street}, {@code lines[0].sku}: where in the body the mismatch is. */
    private static String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String jsonTypeOf(Class<?> type) {
        if (CharSequence.class.isAssignableFrom(type)) {
            return "a JSON string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a JSON number";
        }
        return "a JSON object";
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
