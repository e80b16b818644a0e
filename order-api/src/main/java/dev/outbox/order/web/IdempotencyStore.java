package dev.outbox.order.web;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** The first response to each Idempotency-Key, stored in the transaction that placed the order. */
@Component
class IdempotencyStore {

    record Stored(String requestHash, UUID orderId, int status, String body) {
    }

    private final DatabaseClient db;

    IdempotencyStore(DatabaseClient db) {
        this.db = db;
    }

    Mono<Stored> find(String key) {
        return db.sql("SELECT request_hash, order_id, response_status, response_body FROM idempotency_key"
                        + " WHERE idempotency_key = :key")
                .bind("key", key)
                .map(r -> new Stored(r.get("request_hash", String.class), UUID.fromString(r.get("order_id", String.class)),
                        r.get("response_status", Integer.class), r.get("response_body", String.class)))
                .one();
    }

    /** Fails with a duplicate-key error when a concurrent request stored the same key first. */
    Mono<Void> save(String key, Stored response) {
        return db.sql("INSERT INTO idempotency_key (idempotency_key, request_hash, order_id, response_status,"
                        + " response_body, created_at) VALUES (:key, :hash, :orderId, :status, :body, :createdAt)")
                .bind("key", key)
                .bind("hash", response.requestHash())
                .bind("orderId", response.orderId().toString())
                .bind("status", response.status())
                .bind("body", response.body())
                .bind("createdAt", LocalDateTime.now(ZoneOffset.UTC))
                .fetch().rowsUpdated().then();
    }
}
