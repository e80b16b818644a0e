-- Idempotency-Key of POST /orders, second shape:
-- 1. Keys compare byte for byte. V1's column had the default utf8mb4_general_ci collation, so 'PROBE-x' found (and
--    replayed) the order placed under 'probe-x'. Keys are 1-255 printable ASCII characters (the API refuses any
--    other), so ascii_bin: one byte per character, compared as bytes.
-- 2. A key belongs to the client that sent it. There is no authentication; what identifies the client in the request
--    is the customerId of the body, so the key is scoped to it: (customer_id, idempotency_key) is the primary key. Two
--    clients choosing the same key each get their own order, and neither learns (through a replay or a 422) that the
--    other used it. customer_id is compared byte for byte too.
-- 3. Keys expire: the app deletes rows older than orders.idempotency.retention in bounded batches, by created_at.
ALTER TABLE idempotency_key
    ADD COLUMN customer_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL FIRST;

UPDATE idempotency_key k JOIN customer_order o ON o.id = k.order_id SET k.customer_id = o.customer_id;
DELETE FROM idempotency_key WHERE customer_id IS NULL;

ALTER TABLE idempotency_key
    MODIFY customer_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    MODIFY idempotency_key VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    DROP PRIMARY KEY,
    ADD PRIMARY KEY (customer_id, idempotency_key),
    ADD KEY idx_idempotency_key_created_at (created_at);
