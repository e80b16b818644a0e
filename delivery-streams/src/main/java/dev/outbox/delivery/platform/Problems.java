package dev.outbox.delivery.platform;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The RFC 9457 problems this API answers with. Each has a stable {@code type} URI, so clients can tell an unknown
 * order (404) from an unknown route (also 404) or a rejected command (409) without parsing text.
 */
public final class Problems {

    public static final String TYPE_PREFIX = "urn:outbox:delivery:problem:";

    private Problems() {
    }

    public static ErrorResponseException problem(HttpStatus status, String type, String title, String detail,
                                                 Map<String, ?> properties) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setType(URI.create(TYPE_PREFIX + type));
        body.setTitle(title);
        properties.forEach(body::setProperty);
        return new ErrorResponseException(status, body, null);
    }

    public static ErrorResponseException badRequest(String detail) {
        return problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail, Map.of());
    }

    /**
     * 400 for one field of the request body, shaped like the order API's validation problems: the detail names the
     * field, and {@code errors} lists {@code field} and {@code message}.
     */
    public static ErrorResponseException invalidField(String field, String message) {
        return invalidFields(List.of(Map.of("field", field, "message", message)));
    }

    /** The same for several: each {@code field} and {@code message}, all of them in the detail, sorted. */
    public static ErrorResponseException invalidFields(List<Map<String, String>> errors) {
        return problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                "Invalid request: " + errors.stream().map(e -> e.get("field") + " " + e.get("message")).sorted()
                        .collect(Collectors.joining("; ")) + ".",
                Map.of("errors", errors));
    }

    public static ErrorResponseException deliveryNotFound(String orderId, String servedBy) {
        ErrorResponseException e = problem(HttpStatus.NOT_FOUND, "delivery-not-found", "Delivery not found",
                "There is no delivery for order " + orderId + " (unknown order, or not projected yet).",
                Map.of("orderId", orderId));
        if (servedBy != null) {
            e.getHeaders().set(Headers.SERVED_BY, servedBy);
        }
        return e;
    }

    /** 503 with Retry-After: the state store cannot be read right now (rebalancing, restoring, starting). */
    public static ErrorResponseException notQueryable(String detail, Duration retryAfter) {
        ErrorResponseException e = problem(HttpStatus.SERVICE_UNAVAILABLE, "store-not-queryable",
                "Deliveries are not queryable right now", detail, Map.of());
        e.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())));
        return e;
    }

    public static ErrorResponseException unavailable(String detail, Duration retryAfter) {
        ErrorResponseException e = problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Service unavailable",
                detail, Map.of());
        e.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())));
        return e;
    }

    public static ErrorResponseException commandRejected(String orderId, String commandId, String status,
                                                         String reason) {
        return problem(HttpStatus.CONFLICT, "command-rejected", "Command rejected", reason,
                properties("orderId", orderId, "commandId", commandId, "deliveryStatus", status));
    }

    public static ErrorResponseException unknownOrder(String orderId, String commandId, String reason) {
        return problem(HttpStatus.NOT_FOUND, "unknown-order", "Unknown order", reason,
                properties("orderId", orderId, "commandId", commandId));
    }

    public static ErrorResponseException commandTimeout(String orderId, String commandId, Duration timeout) {
        return problem(HttpStatus.GATEWAY_TIMEOUT, "command-timeout", "No decision in time",
                "The command was sent but its result did not arrive within " + timeout.toMillis() + " ms; it may "
                        + "still be decided. A retry with the same Idempotency-Key is decided at most once and "
                        + "answered with the first result; without one, check the delivery before retrying.",
                properties("orderId", orderId, "commandId", commandId));
    }

    /** 422: the Idempotency-Key (the command id derived from it) was already used for another request. */
    public static ErrorResponseException idempotencyKeyReused(String orderId, String commandId) {
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused", "Idempotency-Key reused",
                "This Idempotency-Key was already used for another request on this delivery; nothing was done.",
                properties("orderId", orderId, "commandId", commandId));
    }

    private static Map<String, Object> properties(String... keyValues) {
        LinkedHashMap<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                map.put(keyValues[i], keyValues[i + 1]);
            }
        }
        return map;
    }
}
