package dev.outbox.order;

import dev.outbox.stack.MariaDb;
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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Idempotency-Key of POST /orders: compared byte for byte, scoped to the customer, kept for a retention period. */
class OrderApiIdempotencyTest extends OrderApiTestBase {

    @Autowired
    MeterRegistry meters;

    @Test
    void keysThatDifferOnlyInCaseAreDifferentKeys() {
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
    void oneCustomersKeyIsNotAnotherCustomersKey() {
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
    void expiredKeysAreDeletedPeriodicallyInBoundedBatchesAndFreshOnesKept() throws Exception {
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

    @Test
    void aRequestThatLosesTheRaceForItsKeyIsAnsweredAsTheReplayAndNotCountedAsAnError()
            throws Exception {
        String customer = "c-race-lost-" + UUID.randomUUID();
        String body = orderBody(customer);
        // a first order gives the stored form of this body (its hash) and a response to replay
        Reply first = send("POST", "/orders", body, "Idempotency-Key", "first");
        Map<String, Object> stored = rows("SELECT request_hash, order_id, response_body FROM idempotency_key"
                + " WHERE customer_id = ? AND idempotency_key = 'first'", customer).get(0);
        double errors = count("error");
        double replayed = count("replayed");

        // a concurrent request stores key "second" and has not committed yet when ours tries to store it too
        try (Connection winner = db()) {
            winner.setAutoCommit(false);
            try (PreparedStatement insert = winner.prepareStatement("INSERT INTO idempotency_key (customer_id,"
                    + " idempotency_key, request_hash, order_id, response_status, response_body, created_at)"
                    + " VALUES (?, 'second', ?, ?, 201, ?, UTC_TIMESTAMP(6))")) {
                insert.setString(1, customer);
                insert.setObject(2, stored.get("request_hash"));
                insert.setObject(3, stored.get("order_id"));
                insert.setObject(4, stored.get("response_body"));
                insert.executeUpdate();
            }
            CompletableFuture<Reply> loser = CompletableFuture.supplyAsync(
                    () -> send("POST", "/orders", body, "Idempotency-Key", "second"));
            awaitLockWait();
            winner.commit();

            Reply reply = loser.get(60, TimeUnit.SECONDS);
            assertThat(reply.status()).as(reply.body()).isEqualTo(201);
            assertThat(reply.headers().firstValue("idempotent-replayed")).contains("true");
            assertThat(reply.body()).isEqualTo(first.body());
        }
        // its own order was rolled back
        assertThat(rows("SELECT id FROM customer_order WHERE customer_id = ?", customer)).hasSize(1);
        assertThat(count("error")).as("orders.commands{outcome=error}").isEqualTo(errors);
        assertThat(count("replayed")).as("orders.commands{outcome=replayed}").isEqualTo(replayed + 1);
    }

    private double count(String outcome) {
        var timer = meters.find("orders.commands").tags("command", "place", "outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    /** Waits until a transaction waits for a row lock: our request, blocked on the winner's uncommitted key. */
    private static void awaitLockWait() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                // as root (the app's account may not read INNODB_TRX); fails while nobody waits
                MariaDb.execute(stack, "DELIMITER //\nBEGIN NOT ATOMIC IF (SELECT COUNT(*) FROM information_schema.INNODB_TRX"
                        + " WHERE trx_state = 'LOCK WAIT') = 0 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'no lock"
                        + " wait'; END IF; END //\nDELIMITER ;\n");
                return;
            } catch (RuntimeException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the request never waited for the key's row lock", notYet);
                }
                Thread.sleep(100);
            }
        }
    }
}
