package dev.outbox.order.idempotency;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Misuse of the Idempotency-Key as problem+json; ahead of the catch-all {@code http.ProblemHandler}. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class IdempotencyKeyProblems {

    @ExceptionHandler(IdempotencyKeyProblem.class)
    ResponseEntity<ProblemDetail> idempotencyKey(IdempotencyKeyProblem e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
        problem.setTitle("Idempotency-Key misuse");
        return ResponseEntity.status(e.status()).body(problem);
    }
}
