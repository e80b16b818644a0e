package dev.outbox.systemtest;

import tools.jackson.databind.JsonNode;
import dev.outbox.events.order.OrderPlaced;
import dev.outbox.serde.KafkaAvroDeserializer;
import dev.outbox.stack.StackSettings;
import dev.outbox.stack.junit.LocalStackExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /orders on the order API, through MariaDB's binlog and Debezium, to one record on order.events. */
@ExtendWith(LocalStackExtension.class)
class OrderPipelineIT {

    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    private static StackSettings settings;

    @BeforeAll
    static void settings(StackSettings s) {
        settings = s;
    }

    @Test
    void placingAnOrderPutsExactlyOneRecordOnTheOrderEventsTopic() throws Exception {
        try (TopicReader reader = new TopicReader(settings.kafkaBootstrap(), "order.events")) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(settings.orderApiUrl() + "/orders"))
                    .header("Content-Type", "application/json")
                    .header("traceparent", "00-" + TRACE_ID + "-b7ad6b7169203331-01")
                    .POST(HttpRequest.BodyPublishers.ofString(Bodies.order("c-pipeline"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            JsonNode order = Api.JSON.readTree(response.body());
            String orderId = order.get("id").asString();

            reader.readUntil(r -> r.stream().anyMatch(c -> orderId.equals(c.key())), Duration.ofSeconds(30));
            List<ConsumerRecord<String, byte[]>> records = reader.drain(Duration.ofSeconds(2)).stream()
                    .filter(c -> orderId.equals(c.key())).toList();

            assertThat(records).hasSize(1);
            ConsumerRecord<String, byte[]> record = records.get(0);
            assertThat(TopicReader.header(record, "eventType")).isEqualTo("OrderPlaced");
            assertThat(TopicReader.header(record, "traceparent")).startsWith("00-" + TRACE_ID + "-");
            OrderPlaced event;
            try (KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
                deserializer.configure(Map.of("schema.registry.url", settings.registryUrl(),
                        "specific.avro.reader", true, "basic.auth.credentials.source", "USER_INFO",
                        "basic.auth.user.info", settings.registryAccounts().readerUserInfo()),
                        false);
                event = (OrderPlaced) deserializer.deserialize(record.topic(), record.headers(), record.value());
            }
            assertThat(event.getOrderId().toString()).isEqualTo(orderId);
            assertThat(TopicReader.header(record, "id")).isEqualTo(event.getEventId().toString());
            assertThat(event.getCustomerId()).isEqualTo("c-pipeline");
            assertThat(event.getSequence()).isEqualTo(1);
        }
        try (var c = DriverManager.getConnection(settings.ordersJdbcUrl(), "orders", settings.ordersDbPassword());
             var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM outbox")) {
            rs.next();
            assertThat(rs.getInt(1)).as("outbox rows are deleted in their own transaction").isZero();
        }
    }
}
