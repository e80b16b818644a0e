-- The registry's state lives here rather than in a Kafka `_schemas` topic (Confluent's store): the database's
-- transactions and unique constraints make concurrent registration of the same schema yield exactly one id even
-- with several registry instances behind a load balancer (no leader election, no single writer), and every write
-- is durable once committed. Tables use a binary NO PAD collation: subject names are compared exactly, so case
-- and trailing spaces make different subjects, as in Confluent.

-- A schema by its content. The fingerprint is SHA-256 over the schema type, the normalised schema (Avro's parsed
-- Schema.toString()) and its references; its unique key is what makes an id global and stable.
CREATE TABLE schema_content (
    id          INT          NOT NULL AUTO_INCREMENT,
    fingerprint BINARY(32)   NOT NULL,
    schema_type VARCHAR(16)  NOT NULL,
    schema_text LONGTEXT     NOT NULL,
    created_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uk_schema_content_fingerprint (fingerprint)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- Named types a schema takes from other subjects' versions (Confluent schema references), in declaration order.
CREATE TABLE schema_reference (
    schema_id INT          NOT NULL,
    position  INT          NOT NULL,
    name      VARCHAR(512) NOT NULL,
    subject   VARCHAR(512) NOT NULL,
    version   INT          NOT NULL,
    PRIMARY KEY (schema_id, position),
    KEY ix_schema_reference_target (subject, version),
    CONSTRAINT fk_schema_reference_schema FOREIGN KEY (schema_id) REFERENCES schema_content (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- One row per subject ever written to. Each write to a subject locks its row first, which serialises version
-- numbering and compatibility checks per subject across all registry instances.
CREATE TABLE subject (
    name       VARCHAR(512) NOT NULL,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- A subject's versions. Soft-deleted versions stay (deleted = TRUE) until deleted permanently. A schema appears at
-- most once per subject, as in Confluent (re-registering it after a soft delete replaces the deleted version).
CREATE TABLE subject_version (
    subject       VARCHAR(512) NOT NULL,
    version       INT          NOT NULL,
    schema_id     INT          NOT NULL,
    deleted       BOOLEAN      NOT NULL DEFAULT FALSE,
    registered_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (subject, version),
    UNIQUE KEY uk_subject_version_schema (subject, schema_id),
    KEY ix_subject_version_schema_id (schema_id),
    CONSTRAINT fk_subject_version_subject FOREIGN KEY (subject) REFERENCES subject (name),
    CONSTRAINT fk_subject_version_schema FOREIGN KEY (schema_id) REFERENCES schema_content (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- Compatibility levels and modes; scope '' is the global setting (a subject name is never empty).
CREATE TABLE compatibility_config (
    scope               VARCHAR(512) NOT NULL,
    compatibility_level VARCHAR(32)  NOT NULL,
    PRIMARY KEY (scope)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

CREATE TABLE registry_mode (
    scope VARCHAR(512) NOT NULL,
    mode  VARCHAR(32)  NOT NULL,
    PRIMARY KEY (scope)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;
