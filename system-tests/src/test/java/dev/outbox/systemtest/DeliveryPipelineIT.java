package dev.outbox.systemtest;

import tools.jackson.databind.JsonNode;
import dev.outbox.stack.StackSettings;
import dev.outbox.stack.junit.LocalStackExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.outbox.systemtest.Api.getUntil;
import static dev.outbox.systemtest.Api.hasStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole pipeline on the real parts: order API → MariaDB binlog → Debezium → Kafka → delivery-streams → its
 * interactive queries, and the delivery's own commands decided in the topology.
 */
@ExtendWith(LocalStackExtension.class)
class DeliveryPipelineIT {

    private static final Duration VISIBLE = Duration.ofSeconds(30);
    private static StackSettings settings;

    @BeforeAll
    static void settings(StackSettings s) {
        settings = s;
    }

    private static String delivery(String orderId) {
        return settings.deliveryUrl() + "/deliveries/" + orderId;
    }

    @Test
    void anOrderIsDeliveredThroughTheDeliveryApiAndTheSseStreamShowsEachTransitionInOrder()
            throws Exception {
        String orderId = Api.placeOrder(settings.orderApiUrl(), "c-e2e");
        assertThat(getUntil(delivery(orderId), r -> hasStatus(r, "AWAITING_COURIER"), VISIBLE).json()
                .get("status").asString()).isEqualTo("AWAITING_COURIER");

        try (SseStream sse = new SseStream(delivery(orderId) + "/events")) {
            assertThat(sse.next()).as("current status first").contains("AWAITING_COURIER");

            assertThat(Api.post(delivery(orderId) + "/courier", "{\"courierId\": \"courier-7\"}").status()).isEqualTo(202);
            assertThat(Api.post(delivery(orderId) + "/pickup", null).status()).isEqualTo(202);
            assertThat(Api.post(delivery(orderId) + "/delivery", "{\"receivedBy\": \"Ada\"}").status()).isEqualTo(202);

            List<String> changes = List.of(sse.next(), sse.next(), sse.next());
            assertThat(changes.get(0)).contains("\"to\":\"COURIER_ASSIGNED\"");
            assertThat(changes.get(1)).contains("\"to\":\"IN_TRANSIT\"");
            assertThat(changes.get(2)).contains("\"to\":\"DELIVERED\"");
        }
        JsonNode view = Api.get(delivery(orderId)).json();
        assertThat(view.get("status").asString()).isEqualTo("DELIVERED");
        assertThat(view.get("courierId").asString()).isEqualTo("courier-7");
        List<String> path = new ArrayList<>();
        view.get("history").forEach(t -> path.add(t.get("to").asString()));
        assertThat(path).containsExactly("AWAITING_COURIER", "COURIER_ASSIGNED", "IN_TRANSIT", "DELIVERED");
    }

    @Test
    void aCommandTheDeliveryStateForbidsIs409AndChangesNothing() {
        String orderId = Api.placeOrder(settings.orderApiUrl(), "c-409");
        getUntil(delivery(orderId), r -> hasStatus(r, "AWAITING_COURIER"), VISIBLE);

        Api.Reply pickup = Api.post(delivery(orderId) + "/pickup", null);

        assertThat(pickup.status()).isEqualTo(409);
        assertThat(pickup.header("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(Api.get(delivery(orderId)).json().get("status").asString()).isEqualTo("AWAITING_COURIER");
    }

    @Test
    void aCancelledOrderShowsCancelled() {
        String orderId = Api.placeOrder(settings.orderApiUrl(), "c-cancel");
        getUntil(delivery(orderId), r -> hasStatus(r, "AWAITING_COURIER"), VISIBLE);

        assertThat(Api.post(settings.orderApiUrl() + "/orders/" + orderId + "/cancel", "{\"reason\": \"too slow\"}")
                .status()).isEqualTo(200);

        assertThat(getUntil(delivery(orderId), r -> hasStatus(r, "CANCELLED"), VISIBLE).json().get("status").asString())
                .isEqualTo("CANCELLED");
    }

    @Test
    void aCancellationAfterPickupIsRecordedAsRejectedAndTheParcelStaysInTransit() {
        String orderId = Api.placeOrder(settings.orderApiUrl(), "c-late-cancel");
        getUntil(delivery(orderId), r -> hasStatus(r, "AWAITING_COURIER"), VISIBLE);
        Api.post(delivery(orderId) + "/courier", "{\"courierId\": \"courier-1\"}");
        assertThat(Api.post(delivery(orderId) + "/pickup", null).status()).isEqualTo(202);

        Api.post(settings.orderApiUrl() + "/orders/" + orderId + "/cancel", "{\"reason\": \"late\"}");

        JsonNode view = getUntil(delivery(orderId), r -> r.status() == 200
                && r.json().get("history").toString().contains("\"rejected\":true"), VISIBLE).json();
        assertThat(view.get("status").asString()).isEqualTo("IN_TRANSIT");
        JsonNode last = view.get("history").get(view.get("history").size() - 1);
        assertThat(last.get("cause").asString()).isEqualTo("OrderCancelled");
        assertThat(last.get("rejected").asBoolean()).isTrue();
    }

    @Test
    void aRePublishedOrderEventChangesNothingAndCountsAsADuplicate() {
        String orderId = Api.placeOrder(settings.orderApiUrl(), "c-dup");
        String before = getUntil(delivery(orderId), r -> hasStatus(r, "AWAITING_COURIER"), VISIBLE).body();
        double duplicatesBefore = duplicatesDropped();

        ConsumerRecord<String, byte[]> original;
        try (TopicReader reader = new TopicReader(settings.kafkaBootstrap(), "order.events")) {
            original = reader.readUntil(r -> r.stream().anyMatch(c -> orderId.equals(c.key())), VISIBLE).stream()
                    .filter(c -> orderId.equals(c.key())).findFirst().orElseThrow();
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(original.topic(), null, original.key(), original.value(),
                    original.headers())).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }

        long deadline = System.nanoTime() + VISIBLE.toNanos();
        while (duplicatesDropped() <= duplicatesBefore && System.nanoTime() < deadline) {
            Api.sleep(50);
        }
        assertThat(duplicatesDropped()).isEqualTo(duplicatesBefore + 1);
        assertThat(Api.get(delivery(orderId)).body()).isEqualTo(before);
    }

    @Test
    void aRecordThatCannotBeDecodedIsDeadLetteredByStreamsWithItsOriginAndThePipelineGoesOn()
            throws Exception {
        String key = java.util.UUID.randomUUID().toString();
        byte[] garbage = "{\"not\":\"avro\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        org.apache.kafka.clients.producer.RecordMetadata sent;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap()),
                new StringSerializer(), new ByteArraySerializer())) {
            sent = producer.send(new ProducerRecord<>("order.events", key, garbage)).get(10, TimeUnit.SECONDS);
        }

        // read_committed: the dead letter is written in the task's exactly-once transaction, visible once committed
        ConsumerRecord<String, byte[]> dead;
        try (TopicReader reader = new TopicReader(settings.kafkaBootstrap(), "delivery.dlq")) {
            dead = reader.readUntil(r -> r.stream().anyMatch(c -> key.equals(c.key())), VISIBLE).stream()
                    .filter(c -> key.equals(c.key())).findFirst().orElseThrow();
        }
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(TopicReader.header(dead, "__streams.errors.topic")).isEqualTo("order.events");
        assertThat(TopicReader.header(dead, "__streams.errors.partition")).isEqualTo(String.valueOf(sent.partition()));
        assertThat(TopicReader.header(dead, "__streams.errors.offset")).isEqualTo(String.valueOf(sent.offset()));
        assertThat(TopicReader.header(dead, "dlq.stage")).isEqualTo("decode");
        assertThat(TopicReader.header(dead, "dlq.reason")).contains("UnknownMagicByteException");

        String orderId = Api.placeOrder(settings.orderApiUrl(), "c-after-dlq");
        assertThat(getUntil(delivery(orderId), r -> hasStatus(r, "AWAITING_COURIER"), VISIBLE).status())
                .isEqualTo(200);
    }

    private static double duplicatesDropped() {
        Api.Reply metric = Api.get(settings.deliveryUrl() + "/actuator/metrics/delivery.duplicates.dropped");
        return metric.status() == 200 ? metric.json().get("measurements").get(0).get("value").asDouble() : 0;
    }

    /** The data lines of a server-sent-event stream, read on a background thread. */
    static final class SseStream implements AutoCloseable {
        private final BlockingQueue<String> data = new LinkedBlockingQueue<>();
        private final java.util.concurrent.atomic.AtomicReference<java.util.stream.Stream<String>> lines =
                new java.util.concurrent.atomic.AtomicReference<>();
        private final CompletableFuture<?> request;

        SseStream(String url) {
            request = Api.HTTP.sendAsync(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofLines()).thenAcceptAsync(response -> {
                        lines.set(response.body());
                        response.body().filter(line -> line.startsWith("data:"))
                                .forEach(line -> data.add(line.substring(5).strip()));
                    });
        }

        String next() throws InterruptedException {
            String event = data.poll(30, TimeUnit.SECONDS);
            assertThat(event).as("an SSE event within 30 s").isNotNull();
            return event;
        }

        @Override
        public void close() {
            request.cancel(true);
            var stream = lines.get();
            if (stream != null) {
                stream.close(); // closes the connection
            }
        }
    }
}
