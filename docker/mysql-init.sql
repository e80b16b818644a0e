-- The same schemas and least-privilege accounts as the local stack's MariaDB (local-stack/.../MariaDb.java),
-- for MySQL 8 in docker-compose. Passwords are documented DEVELOPMENT DEFAULTS (the same everywhere);
-- change them for anything shared. The local stack (./stack start) generates random ones instead.
CREATE DATABASE IF NOT EXISTS orders CHARACTER SET utf8mb4;

CREATE USER IF NOT EXISTS 'orders'@'%' IDENTIFIED BY 'orders-local';
GRANT ALL PRIVILEGES ON orders.* TO 'orders'@'%';

-- Debezium reads the binlog and the orders schema, nothing else (MySQL has REPLICATION CLIENT where MariaDB has
-- BINLOG MONITOR).
CREATE USER IF NOT EXISTS 'debezium'@'%' IDENTIFIED BY 'debezium-local';
GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'debezium'@'%';
GRANT SELECT, LOCK TABLES ON orders.* TO 'debezium'@'%';
FLUSH PRIVILEGES;
