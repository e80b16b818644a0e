package dev.outbox.order.idempotency;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The first response to each Idempotency-Key, stored in the transaction that placed the order.
 *
 * <p>A key is scoped to the customer the request is for: the row's primary key is (customer id, key), both compared
 * byte for byte. There is no authentication, and the body's customerId is what identifies the client, so two clients
 * that happen to choose the same key ("order-1") each get their own order, and neither can read the other's response
 * or learn from a 422 that the key was used. Rows older than the retention are deleted by {@link IdempotencyCleanup}.
 */
@Component
class IdempotencyStore {

    record Stored(String requestHash, UUID orderId, int status, String body) {
    }

    private final DatabaseClient db;

    IdempotencyStore(DatabaseClient db) {
        this.db = db;
    }

    Mono<Stored> find(String customerId, String key) {
        return db.sql("SELECT request_hash, order_id, response_status, response_body FROM idempotency_key"
                        + " WHERE customer_id = :customerId AND idempotency_key = :key")
                .bind("customerId", customerId)
                .bind("key", key)
                .map(r -> new Stored(r.get("request_hash", String.class), UUID.fromString(r.get("order_id", String.class)),
                        r.get("response_status", Integer.class), r.get("response_body", String.class)))
                .one();
    }

    /**
     * Fails with {@link AlreadyHandled} when a concurrent request stored the same key first (its transaction is
     * then rolled back, and the request answered as the replay of the first).
     */
    Mono<Void> save(String customerId, String key, Stored response) {
        return db.sql("INSERT INTO idempotency_key (customer_id, idempotency_key, request_hash, order_id,"
                        + " response_status, response_body, created_at)"
                        + " VALUES (:customerId, :key, :hash, :orderId, :status, :body, :createdAt)")
                .bind("customerId", customerId)
                .bind("key", key)
                .bind("hash", response.requestHash())
                .bind("orderId", response.orderId().toString())
                .bind("status", response.status())
                .bind("body", response.body())
                .bind("createdAt", now())
                .fetch().rowsUpdated()
                // the primary key is the only constraint of the table: a duplicate is the same key, stored first
                .onErrorMap(DataIntegrityViolationException.class, e -> new AlreadyHandled(
                        "Idempotency-Key already stored by a concurrent request", e))
                .then();
    }

    /** Deletes at most {@code limit} rows created before {@code cutoff}, the oldest first; how many it deleted. */
    Mono<Long> deleteCreatedBefore(LocalDateTime cutoff, int limit) {
        return db.sql("DELETE FROM idempotency_key WHERE created_at < :cutoff ORDER BY created_at LIMIT :limit")
                .bind("cutoff", cutoff)
                .bind("limit", limit)
                .fetch().rowsUpdated();
    }

    /** created_at is written and compared in UTC. */
    static LocalDateTime now() {
        return LocalDateTime.now(ZoneOffset.UTC);
    }
}
