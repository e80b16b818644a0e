package dev.outbox.order.lifecycle;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The aggregate's answers as problem+json: a rule the command breaks is 400, one the order's state forbids or a
 * concurrent change is 409 (each with a stable {@code code}), an unknown order 404. Ordered ahead of the catch-all
 * {@code http.ProblemHandler}, which answers everything else.
 */
@RestControllerAdvice
@org.springframework.core.annotation.Order(Ordered.HIGHEST_PRECEDENCE) // not the aggregate Order
class OrderProblems {

    @ExceptionHandler(OrderRejected.class)
    ResponseEntity<ProblemDetail> rejected(OrderRejected e) {
        HttpStatus status = e.kind() == OrderRejected.Kind.INVALID ? HttpStatus.BAD_REQUEST : HttpStatus.CONFLICT;
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.getMessage());
        problem.setTitle(status == HttpStatus.CONFLICT ? "Order rule violated" : "Invalid order");
        problem.setProperty("code", e.code());
        return ResponseEntity.status(status).body(problem);
    }

    @ExceptionHandler(ConcurrentOrderChange.class)
    ResponseEntity<ProblemDetail> concurrent(ConcurrentOrderChange e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setTitle("Concurrent change");
        problem.setProperty("code", "concurrent-change");
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }

    @ExceptionHandler(OrderNotFound.class)
    ResponseEntity<ProblemDetail> notFound(OrderNotFound e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage()));
    }
}
