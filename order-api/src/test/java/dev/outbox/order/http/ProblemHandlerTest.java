package dev.outbox.order.http;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/** How the order API answers failures it did not expect by type. */
class ProblemHandlerTest {

    private final ProblemHandler handler = new ProblemHandler();
    private final MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/orders"));

    @Test
    void aDatabaseConnectionThatBreaksMidTransactionIs503WithRetryAfterNot500() {
        // what the driver threw when MariaDB was killed during an order's transaction: the resource failure is only
        // a suppressed exception of the rollback's error
        IllegalStateException disposed = new IllegalStateException("Request queue was disposed");
        disposed.setStackTrace(new StackTraceElement[]{new StackTraceElement(
                "io.asyncer.r2dbc.mysql.client.RequestQueue", "requireDisposed", "RequestQueue.java", 156)});
        disposed.addSuppressed(new DataAccessResourceFailureException("execute; SQL [INSERT INTO order_line ...]"));

        ResponseEntity<ProblemDetail> answer = handler.unexpected(disposed, exchange);

        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(answer.getHeaders().getFirst("Retry-After")).isNotBlank();
        assertThat(answer.getBody().getDetail()).contains("Idempotency-Key").doesNotContain("SQL");
    }

    @Test
    void anErrorOfTheApplicationItselfStaysABare500() {
        ResponseEntity<ProblemDetail> answer = handler.unexpected(new IllegalStateException("a bug"), exchange);

        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat(answer.getBody().getDetail()).doesNotContain("a bug");
    }
}
