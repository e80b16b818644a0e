-- Orders: the state of the Order aggregate. version = sequence number of its last event, and the optimistic
-- concurrency check of every change (UPDATE ... WHERE version = <loaded version>).
CREATE TABLE customer_order (
    id                     CHAR(36)     NOT NULL,
    customer_id            VARCHAR(64)  NOT NULL,
    status                 VARCHAR(16)  NOT NULL,
    recipient              VARCHAR(200) NOT NULL,
    street                 VARCHAR(200) NOT NULL,
    city                   VARCHAR(100) NOT NULL,
    postal_code            VARCHAR(20)  NOT NULL,
    country                CHAR(2)      NOT NULL,
    instructions           VARCHAR(500) NULL,
    cancel_reason          VARCHAR(500) NULL,
    version                BIGINT       NOT NULL,
    placed_at              TIMESTAMP(6) NOT NULL,
    updated_at             TIMESTAMP(6) NOT NULL,
    PRIMARY KEY (id),
    KEY idx_customer_order_customer (customer_id)
) ENGINE = InnoDB;

CREATE TABLE order_line (
    order_id  CHAR(36)    NOT NULL,
    line_no   INT         NOT NULL,
    sku       VARCHAR(64) NOT NULL,
    quantity  INT         NOT NULL,
    PRIMARY KEY (order_id, line_no),
    CONSTRAINT fk_order_line_order FOREIGN KEY (order_id) REFERENCES customer_order (id)
) ENGINE = InnoDB;

-- The outbox, in the shape Debezium's outbox EventRouter reads: id (event id, becomes the `id` header),
-- aggregatetype (routes to topic <aggregatetype>.events), aggregateid (the record key), type (header eventType),
-- payload (the record value, byte for byte: Avro in the Confluent wire format). schema_id and sequence say which
-- schema version and which position in the order's history the payload has, for debugging; traceparent and
-- tracestate carry the W3C trace context of the request to Kafka as headers.
-- Rows are deleted in the transaction that inserts them (the binlog keeps the insert), so the table stays empty.
CREATE TABLE outbox (
    id             CHAR(36)     NOT NULL,
    aggregatetype  VARCHAR(64)  NOT NULL,
    aggregateid    VARCHAR(64)  NOT NULL,
    type           VARCHAR(128) NOT NULL,
    payload        LONGBLOB     NOT NULL,
    schema_id      INT          NULL,
    sequence       BIGINT       NULL,
    traceparent    VARCHAR(55)  NULL,
    tracestate     VARCHAR(512) NULL,
    created_at     TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id)
) ENGINE = InnoDB;

-- Idempotency-Key of POST /orders: the first response is stored in the order's own transaction and replayed for
-- the same key and body; the same key with another body is refused.
CREATE TABLE idempotency_key (
    idempotency_key  VARCHAR(255) NOT NULL,
    request_hash     CHAR(64)     NOT NULL,
    order_id         CHAR(36)     NOT NULL,
    response_status  INT          NOT NULL,
    response_body    TEXT         NOT NULL,
    created_at       TIMESTAMP(6) NOT NULL,
    PRIMARY KEY (idempotency_key)
) ENGINE = InnoDB;
