package dev.outbox.order;

import dev.outbox.events.order.DeliveryAddressChanged;
import dev.outbox.events.order.OrderCancelled;
import dev.outbox.events.order.OrderPlaced;
import dev.outbox.order.lifecycle.Order;
import dev.outbox.order.lifecycle.OrderCommand;
import dev.outbox.order.lifecycle.OrderRepository;
import dev.outbox.serde.KafkaAvroDeserializer;
import dev.outbox.stack.MariaDb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** What the order API writes to the database: the order and exactly one event per change, atomically. */
class OrderApiDatabaseTest extends OrderApiTestBase {

    @Autowired
    OrderRepository repository;

    @AfterEach
    void dropTrigger() throws Exception {
        asRoot("DROP TRIGGER IF EXISTS outbox_fails_for_test");
    }

    /** Triggers need SUPER while the binlog is on; the app's account rightly has no such right. */
    private static void asRoot(String sql) throws Exception {
        MariaDb.execute(stack, "USE orders;\nDELIMITER //\n" + sql + " //\nDELIMITER ;\n");
    }

    @Test
    void placingAnOrderWritesTheOrderAndExactlyOneOutboxEventThatDecodesThroughTheRegistry() {
        String customer = "c-" + UUID.randomUUID();
        Reply reply = send("POST", "/orders", orderBody(customer));

        assertThat(reply.status()).isEqualTo(201);
        JsonNode order = reply.json();
        String id = order.get("id").asString();
        assertThat(reply.headers().firstValue("location")).contains("/orders/" + id);
        assertThat(order.get("status").asString()).isEqualTo("PLACED");
        assertThat(order.get("version").asLong()).isEqualTo(1);
        assertThat(rows("SELECT sku, quantity FROM order_line WHERE order_id = ? ORDER BY line_no", id))
                .extracting(r -> r.get("sku") + "x" + r.get("quantity")).containsExactly("BOOK-1x2", "MUG-7x1");

        List<Map<String, Object>> outbox = rows("SELECT * FROM outbox WHERE aggregateid = ?", id);
        assertThat(outbox).hasSize(1);
        Map<String, Object> row = outbox.get(0);
        assertThat(row.get("aggregatetype")).isEqualTo("order");
        assertThat(row.get("type")).isEqualTo("OrderPlaced");
        assertThat(row.get("sequence")).isEqualTo(1L);

        OrderPlaced event = (OrderPlaced) decode((byte[]) row.get("payload"));
        assertThat(event.getEventId().toString()).isEqualTo(row.get("id"));
        assertThat(event.getOrderId().toString()).isEqualTo(id);
        assertThat(event.getSequence()).isEqualTo(1);
        assertThat(event.getCustomerId()).isEqualTo(customer);
        assertThat(event.getLines()).extracting(l -> l.getSku() + "x" + l.getQuantity()).containsExactly("BOOK-1x2", "MUG-7x1");
        assertThat(event.getDeliveryAddress().getCountry()).isEqualTo("GB");
        byte[] payload = (byte[]) row.get("payload");
        assertThat(payload[0]).as("Confluent magic byte").isZero();
        assertThat(java.nio.ByteBuffer.wrap(payload, 1, 4).getInt()).isEqualTo(((Number) row.get("schema_id")).intValue());
    }

    @Test
    void aGiftMessageIsKeptWithTheOrderAndCarriedByItsEvent() {
        String customer = "c-" + UUID.randomUUID();
        String body = orderBody(customer).replaceFirst("\\}\\s*$", ", \"giftMessage\": \" Happy birthday! \"}");
        Reply reply = send("POST", "/orders", body);

        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        String id = reply.json().get("id").asString();
        assertThat(reply.json().get("giftMessage").asString()).isEqualTo("Happy birthday!");
        assertThat(send("GET", "/orders/" + id, null).json().get("giftMessage").asString()).isEqualTo("Happy birthday!");
        OrderPlaced event = (OrderPlaced) decode((byte[]) rows("SELECT payload FROM outbox WHERE aggregateid = ?", id)
                .get(0).get("payload"));
        assertThat(event.getGiftMessage()).isEqualTo("Happy birthday!");
        assertThat(send("POST", "/orders", orderBody(customer)).json().get("giftMessage").isNull()).isTrue();
    }

    @Test
    void cancellingAndChangingTheAddressAppendEventsWithTheNextSequenceNumbers() {
        String id = send("POST", "/orders", orderBody("c-seq")).json().get("id").asString();

        Reply moved = send("PUT", "/orders/" + id + "/delivery-address", """
                {"recipient": "Ada", "street": "2 Side St", "city": "London", "postalCode": "N2", "country": "GB",
                 "instructions": "ring twice"}""");
        assertThat(moved.status()).isEqualTo(200);
        assertThat(moved.json().get("version").asLong()).isEqualTo(2);
        Reply cancelled = send("POST", "/orders/" + id + "/cancel", "{\"reason\": \"found it cheaper\"}");
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asString()).isEqualTo("CANCELLED");

        List<Map<String, Object>> outbox = rows("SELECT type, sequence, payload FROM outbox WHERE aggregateid = ? ORDER BY sequence", id);
        assertThat(outbox).extracting(r -> r.get("type") + "#" + r.get("sequence"))
                .containsExactly("OrderPlaced#1", "DeliveryAddressChanged#2", "OrderCancelled#3");
        var changed = (DeliveryAddressChanged) decode((byte[]) outbox.get(1).get("payload"));
        assertThat(changed.getDeliveryAddress().getInstructions()).isEqualTo("ring twice");
        assertThat(((OrderCancelled) decode((byte[]) outbox.get(2).get("payload"))).getReason()).isEqualTo("found it cheaper");
        assertThat(send("GET", "/orders/" + id, null).json().get("version").asLong()).isEqualTo(3);
    }

    @Test
    void aFailureBetweenTheOrderInsertAndTheOutboxInsertLeavesNeither() throws Exception {
        String customer = "force-outbox-failure-" + UUID.randomUUID();
        // a real database error on the outbox insert, after the order rows were written in the same transaction
        asRoot("CREATE TRIGGER outbox_fails_for_test BEFORE INSERT ON outbox FOR EACH ROW"
                + " IF NEW.payload LIKE '%force-outbox-failure%' THEN"
                + " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'forced outbox failure'; END IF");

        Reply reply = send("POST", "/orders", orderBody(customer));

        assertThat(reply.status()).isEqualTo(500);
        assertThat(reply.body()).doesNotContain("forced outbox failure").doesNotContain("SQL").doesNotContain("Exception");
        assertThat(rows("SELECT id FROM customer_order WHERE customer_id = ?", customer)).isEmpty();
        assertThat(rows("SELECT id FROM outbox WHERE CAST(payload AS CHAR) LIKE ?", "%" + customer + "%")).isEmpty();
    }

    @Test
    void aReplayWithTheSameIdempotencyKeyAndBodyReturnsTheFirstResponseAndWritesNothing() {
        String customer = "c-idem-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        Reply first = send("POST", "/orders", orderBody(customer), "Idempotency-Key", key);
        // the same body, formatted differently, is the same request
        Reply replay = send("POST", "/orders", orderBody(customer).replace("\n", " ").replace(": ", ":"),
                "Idempotency-Key", key);

        assertThat(first.status()).isEqualTo(201);
        assertThat(replay.status()).isEqualTo(201);
        assertThat(replay.body()).isEqualTo(first.body());
        assertThat(replay.headers().firstValue("location")).isEqualTo(first.headers().firstValue("location"));
        assertThat(replay.headers().firstValue("idempotent-replayed")).contains("true");
        assertThat(rows("SELECT id FROM customer_order WHERE customer_id = ?", customer)).hasSize(1);
        String id = first.json().get("id").asString();
        assertThat(rows("SELECT id FROM outbox WHERE aggregateid = ?", id)).hasSize(1);

        // the same customer and key with another body
        Reply other = send("POST", "/orders", orderBody(customer).replace("\"quantity\": 2", "\"quantity\": 3"),
                "Idempotency-Key", key);
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.contentType()).startsWith("application/problem+json");
        assertThat(rows("SELECT id FROM customer_order WHERE customer_id = ?", customer)).hasSize(1);
    }

    @Test
    void concurrentRequestsWithOneIdempotencyKeyPlaceOneOrder() throws Exception {
        String customer = "c-idem-race-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        List<Reply> replies = concurrently(8, () -> send("POST", "/orders", orderBody(customer), "Idempotency-Key", key));

        assertThat(replies).extracting(Reply::status).containsOnly(201);
        assertThat(replies).extracting(Reply::body).containsOnly(replies.get(0).body());
        assertThat(rows("SELECT id FROM customer_order WHERE customer_id = ?", customer)).hasSize(1);
    }

    @Test
    void twoConcurrentConflictingCommandsYieldOneSuccessAndOne409() throws Exception {
        for (int round = 0; round < 5; round++) {
            String id = send("POST", "/orders", orderBody("c-race")).json().get("id").asString();
            List<Reply> replies = concurrently(2, () -> send("POST", "/orders/" + id + "/cancel", "{\"reason\": \"race\"}"));

            assertThat(replies).extracting(Reply::status).containsExactlyInAnyOrder(200, 409);
            Reply loser = replies.stream().filter(r -> r.status() == 409).findFirst().orElseThrow();
            assertThat(loser.json().get("code").asString()).isIn("already-cancelled", "concurrent-change");
            assertThat(rows("SELECT id FROM outbox WHERE aggregateid = ? AND type = 'OrderCancelled'", id)).hasSize(1);
        }
    }

    @Test
    void savingAgainstAVersionThatMovedOnIsRefusedAndWritesNothing() {
        String id = send("POST", "/orders", orderBody("c-stale")).json().get("id").asString();
        Order loaded = repository.findById(UUID.fromString(id)).block();
        Order.EventSource source = Order.EventSource.system();
        Order first = loaded.apply(loaded.decide(new OrderCommand.CancelOrder(loaded.id(), "one"), source));
        Order second = loaded.apply(loaded.decide(new OrderCommand.CancelOrder(loaded.id(), "two"), source));

        assertThat(repository.update(first, loaded.version()).block()).isTrue();
        assertThat(repository.update(second, loaded.version()).block()).isFalse();
        assertThat(send("GET", "/orders/" + id, null).json().get("cancelReason").asString()).isEqualTo("one");
    }

    @Test
    void theRequestTraceContextIsStoredWithTheOutboxRow() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        Reply reply = send("POST", "/orders", orderBody("c-trace"), "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01");
        String id = reply.json().get("id").asString();

        String stored = (String) rows("SELECT traceparent FROM outbox WHERE aggregateid = ?", id).get(0).get("traceparent");
        assertThat(stored).matches("00-" + traceId + "-[0-9a-f]{16}-0[01]");
    }

    private Object decode(byte[] payload) {
        try (KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
            deserializer.configure(Map.of("schema.registry.url", stack.registryUrl(), "specific.avro.reader", true,
                    "basic.auth.credentials.source", "USER_INFO",
                    "basic.auth.user.info", stack.registryAccounts().readerUserInfo()), false);
            return deserializer.deserialize("order.events", payload);
        }
    }

    private static List<Reply> concurrently(int n, java.util.function.Supplier<Reply> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Reply>> futures = IntStream.range(0, n).mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return call.get();
            }, pool)).toList();
            start.countDown();
            return futures.stream().map(CompletableFuture::join).toList();
        } finally {
            pool.shutdownNow();
        }
    }
}
