package dev.outbox.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Warm before ready: the instance reports ready only after it has sent itself dry-run orders (the whole path, rolled
 * back), and no dry run leaves anything behind; a dry run sent once it is ready is refused.
 */
@TestPropertySource(properties = {"orders.readiness.warm-up=true", "orders.readiness.warm-up-requests=200",
        "orders.readiness.warm-up-max=60s"})
class ReadinessTest extends OrderApiTestBase {

    @Autowired
    MeterRegistry meters;

    @Test
    void itIsReadyOnlyOnceWarmAndTheWarmUpLeavesNothingBehind() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> send("GET", "/actuator/health/readiness", null).status() == 200);

        var dryRuns = meters.find("orders.commands").tags("command", "place-dry-run", "outcome", "accepted").timer();
        assertThat(dryRuns).as("dry-run orders answered").isNotNull();
        assertThat(dryRuns.count()).isGreaterThanOrEqualTo(200);
        assertThat(rows("SELECT id FROM customer_order WHERE customer_id LIKE 'warm-up-%'")).isEmpty();
        assertThat(rows("SELECT 1 FROM idempotency_key WHERE customer_id LIKE 'warm-up-%'")).isEmpty();
        assertThat(rows("SELECT 1 FROM outbox WHERE aggregateid IN (SELECT id FROM customer_order"
                + " WHERE customer_id LIKE 'warm-up-%')")).isEmpty();

        Reply late = send("POST", "/orders", orderBody("late-rehearsal"), "Warm-Up", "dry-run");
        assertThat(late.status()).isEqualTo(400);
        assertThat(late.body()).contains("only while the instance warms up");
        assertThat(rows("SELECT id FROM customer_order WHERE customer_id = 'late-rehearsal'")).isEmpty();
    }
}
