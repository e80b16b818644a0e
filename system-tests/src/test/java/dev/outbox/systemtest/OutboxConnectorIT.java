package dev.outbox.systemtest;

import dev.outbox.stack.Stack;
import dev.outbox.stack.StackSettings;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import dev.outbox.stack.junit.LocalStackExtension;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox leg of the pipeline on the real parts: MariaDB's binlog, the Debezium MariaDB connector in a Kafka
 * Connect worker with the outbox EventRouter, and the Kafka broker. Rows are written the way the order service
 * writes them: inserted and deleted in one transaction, so only the binlog ever sees them.
 */
@ExtendWith(LocalStackExtension.class)
class OutboxConnectorIT {

    /** Its own aggregate type, so its events go to their own topic, away from the apps' order events. */
    private static final String AGGREGATE_TYPE = "connectortest";
    private static final String TOPIC = AGGREGATE_TYPE + ".events";
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static StackSettings settings;

    @BeforeAll
    static void settings(StackSettings s) {
        settings = s; // the outbox table exists: order-api's migrations created it when the stack started
    }

    record OutboxRow(String eventId, String orderId, String type, byte[] payload) {
        static OutboxRow random(String type) {
            byte[] payload = new byte[512];
            new SecureRandom().nextBytes(payload);
            payload[0] = 0; // like the Confluent wire format: binary, starting with a zero byte
            return new OutboxRow(UUID.randomUUID().toString(), UUID.randomUUID().toString(), type, payload);
        }
    }

    @Test
    void anOutboxRowInsertedAndDeletedInOneTransactionArrivesOnceByteExactWithKeyAndHeaders(Stack stack)
            throws Exception {
        OutboxRow row = OutboxRow.random("OrderPlaced");
        try (TopicReader reader = new TopicReader(settings.kafkaBootstrap(), TOPIC)) {
            writeAndDelete(row);

            reader.readUntil(r -> r.stream().anyMatch(c -> c.key().equals(row.orderId())), Duration.ofSeconds(30));
            // stay a while: a second copy (for example from the delete) must not follow
            List<ConsumerRecord<String, byte[]>> records = reader.drain(Duration.ofSeconds(2)).stream()
                    .filter(c -> c.key().equals(row.orderId())).toList();

            assertThat(records).as("records of this row on %s", TOPIC).hasSize(1);
            ConsumerRecord<String, byte[]> record = records.get(0);
            assertThat(record.key()).isEqualTo(row.orderId());
            assertThat(record.value()).isEqualTo(row.payload());
            assertThat(TopicReader.header(record, "id")).isEqualTo(row.eventId());
            assertThat(TopicReader.header(record, "eventType")).isEqualTo(row.type());
            assertThat(TopicReader.header(record, "traceparent")).isEqualTo(TRACEPARENT);
            assertThat(record.headers().toArray()).extracting(h -> h.key())
                    .as("no Debezium context headers").noneMatch(k -> k.startsWith("__debezium"));
        }
        assertThat(countOutboxRows()).as("the outbox table stays empty").isZero();
    }

    @Test
    void connectsRestApiAnswersOnlyItsUsers() {
        String status = settings.connectUrl() + "/connectors/order-outbox/status";
        for (String path : List.of("/connectors", "/connectors/order-outbox/status", "/health", "/")) {
            assertThat(Api.get(settings.connectUrl() + path).status()).as("anonymous GET %s", path).isEqualTo(401);
        }
        assertThat(Api.post(settings.connectUrl() + "/connectors", "{\"name\":\"anonymous\",\"config\":{}}").status())
                .as("an anonymous connector").isEqualTo(401);
        String admin = settings.connectUserInfo("admin");
        assertThat(Api.get(status, admin.substring(0, admin.indexOf(':') + 1) + "not-the-password").status())
                .as("a wrong password").isEqualTo(401);
        assertThat(Api.get(status, "registry:" + settings.registryDbPassword()).status()).as("another account's password")
                .isEqualTo(401);
        assertThat(Api.get(status, admin).status()).isEqualTo(200);
        assertThat(Api.get(status, settings.connectUserInfo("board")).body()).contains("RUNNING");
    }

    @Test
    void afterAConnectRestartTheConnectorResumesWithoutReEmittingOldEvents(Stack stack) throws Exception {
        OutboxRow before = OutboxRow.random("OrderPlaced");
        OutboxRow after = OutboxRow.random("OrderCancelled");
        try (TopicReader reader = new TopicReader(settings.kafkaBootstrap(), TOPIC)) {
            writeAndDelete(before);
            reader.readUntil(r -> r.stream().anyMatch(c -> c.key().equals(before.orderId())), Duration.ofSeconds(30));

            stack.restart(Stack.Part.CONNECT);
            writeAndDelete(after);

            reader.readUntil(r -> r.stream().anyMatch(c -> c.key().equals(after.orderId())), Duration.ofSeconds(60));
            List<ConsumerRecord<String, byte[]>> records = reader.drain(Duration.ofSeconds(2));
            assertThat(records.stream().filter(c -> c.key().equals(before.orderId()))).as("old event once").hasSize(1);
            assertThat(records.stream().filter(c -> c.key().equals(after.orderId()))).as("new event once").hasSize(1);
            assertThat(records.stream().filter(c -> c.key().equals(after.orderId())).findFirst().orElseThrow().value())
                    .isEqualTo(after.payload());
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(settings.ordersJdbcUrl(), "orders", settings.ordersDbPassword());
    }

    private static void writeAndDelete(OutboxRow row) throws SQLException {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO outbox (id, aggregatetype, aggregateid,"
                    + " type, payload, traceparent) VALUES (?, ?, ?, ?, ?, ?)");
                 PreparedStatement delete = c.prepareStatement("DELETE FROM outbox WHERE id = ?")) {
                insert.setString(1, row.eventId());
                insert.setString(2, AGGREGATE_TYPE);
                insert.setString(3, row.orderId());
                insert.setString(4, row.type());
                insert.setBytes(5, row.payload());
                insert.setString(6, TRACEPARENT);
                insert.executeUpdate();
                delete.setString(1, row.eventId());
                delete.executeUpdate();
            }
            c.commit();
        }
    }

    private static int countOutboxRows() throws SQLException {
        try (Connection c = connect(); var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM outbox")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
