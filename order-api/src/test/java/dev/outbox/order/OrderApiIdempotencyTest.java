package dev.outbox.order;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Idempotency-Key of POST /orders: compared byte for byte, scoped to the customer, kept for a retention period. */
class OrderApiIdempotencyTest extends OrderApiTestBase {

    @Autowired
    MeterRegistry meters;

    @Test
    void keys_that_differ_only_in_case_are_different_keys() {
        String customer = "c-case-" + UUID.randomUUID();
        String key = "probe-" + UUID.randomUUID();
        Reply lower = send("POST", "/orders", orderBody(customer), "Idempotency-Key", key);
        Reply upper = send("POST", "/orders", orderBody(customer), "Idempotency-Key", key.toUpperCase());

        assertThat(lower.status()).isEqualTo(201);
        assertThat(upper.status()).as(upper.body()).isEqualTo(201);
        assertThat(upper.headers().firstValue("idempotent-replayed")).isEmpty();
        assertThat(upper.json().get("id").asString()).isNotEqualTo(lower.json().get("id").asString());
        assertThat(rows("SELECT id FROM customer_order WHERE customer_id = ?", customer)).hasSize(2);
        // and each one still replays its own order
        Reply again = send("POST", "/orders", orderBody(customer), "Idempotency-Key", key.toUpperCase());
        assertThat(again.headers().firstValue("idempotent-replayed")).contains("true");
        assertThat(again.body()).isEqualTo(upper.body());
    }

    @Test
    void one_customers_key_is_not_another_customers_key() {
        String key = "order-1"; // a key two clients may well both choose
        String alice = "c-alice-" + UUID.randomUUID();
        String bob = "c-bob-" + UUID.randomUUID();
        Reply first = send("POST", "/orders", orderBody(alice), "Idempotency-Key", key);
        Reply other = send("POST", "/orders", orderBody(bob), "Idempotency-Key", key);

        assertThat(first.status()).isEqualTo(201);
        // neither Alice's response nor a 422 that tells Bob someone used the key: Bob's own new order
        assertThat(other.status()).as(other.body()).isEqualTo(201);
        assertThat(other.headers().firstValue("idempotent-replayed")).isEmpty();
        assertThat(other.json().get("customerId").asString()).isEqualTo(bob);
        assertThat(send("POST", "/orders", orderBody(bob), "Idempotency-Key", key).body()).isEqualTo(other.body());
        assertThat(send("POST", "/orders", orderBody(alice), "Idempotency-Key", key).body()).isEqualTo(first.body());
    }

    @Test
    void expired_keys_are_deleted_periodically_in_bounded_batches_and_fresh_ones_kept() throws Exception {
        String customer = "c-expired-" + UUID.randomUUID();
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        try (Connection c = db(); PreparedStatement insert = c.prepareStatement("INSERT INTO idempotency_key"
                + " (customer_id, idempotency_key, request_hash, order_id, response_status, response_body, created_at)"
                + " VALUES (?, ?, ?, ?, 201, '{}', ?)")) {
            for (int i = 0; i < 7; i++) {
                boolean expired = i < 5; // the retention is 24 h
                insert.setString(1, customer);
                insert.setString(2, (expired ? "old-" : "fresh-") + i);
                insert.setString(3, "0".repeat(64));
                insert.setString(4, UUID.randomUUID().toString());
                insert.setTimestamp(5, Timestamp.valueOf(expired ? now.minusHours(25 + i) : now.minusHours(23)));
                insert.addBatch();
            }
            insert.executeBatch();
        }

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!rows("SELECT 1 FROM idempotency_key WHERE customer_id = ? AND idempotency_key LIKE 'old-%'", customer)
                .isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(rows("SELECT idempotency_key FROM idempotency_key WHERE customer_id = ? ORDER BY idempotency_key",
                customer)).extracting(r -> r.get("idempotency_key")).containsExactly("fresh-5", "fresh-6");
        DistributionSummary batches = meters.find("orders.idempotency.cleanup.batch").summary();
        assertThat(batches).as("a summary of the rows each cleanup batch deleted").isNotNull();
        assertThat(batches.max()).as("rows per batch (cleanup-batch-size=2)").isLessThanOrEqualTo(2);
        assertThat(batches.totalAmount()).isGreaterThanOrEqualTo(5);
    }

}
