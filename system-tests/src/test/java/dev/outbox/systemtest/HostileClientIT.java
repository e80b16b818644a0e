package dev.outbox.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.outbox.stack.StackSettings;
import dev.outbox.stack.junit.LocalStackExtension;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * One client hammering one order must not stop the projection for everyone: 12,000 address changes to one order
 * (what once grew its view past Kafka's record limit and stopped its partition), then 150 courier assignments to
 * another. The order and the delivery refuse what is past their bounds, the views stay small, the whole history is
 * still readable, and a new order is visible at once.
 */
@ExtendWith(LocalStackExtension.class)
class HostileClientIT {

    private static final int ADDRESS_CHANGES = Integer.getInteger("hostile.address-changes", 12_000);
    private static final int MAX_ADDRESS_CHANGES = 20;
    private static final int MAX_CHANGES_PER_DELIVERY = 100;
    private static final int MAX_VIEW_BYTES = 256 * 1024;
    private static StackSettings settings;

    @BeforeAll
    static void settings(StackSettings s) {
        settings = s;
    }

    @Test
    void twelveThousandAddressChangesToOneOrderLeaveTheProjectionRunningAndTheViewSmall() throws Exception {
        String orderId = Api.placeOrder(settings.orderApiUrl(), "hostile");
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        IntStream.range(0, ADDRESS_CHANGES).forEach(i -> clients.submit(() -> {
            Api.Reply reply = changeAddress(orderId, i);
            statuses.computeIfAbsent(reply.status(), s -> new AtomicInteger()).incrementAndGet();
        }));
        clients.shutdown();
        assertThat(clients.awaitTermination(5, TimeUnit.MINUTES)).as("all sent within 5 minutes").isTrue();

        assertThat(statuses.get(200).get()).as("address changes accepted").isEqualTo(MAX_ADDRESS_CHANGES);
        assertThat(statuses.get(409).get()).as("refused as past the bound")
                .isEqualTo(ADDRESS_CHANGES - MAX_ADDRESS_CHANGES);
        assertThat(statuses.keySet()).containsOnly(200, 409);
        Api.Reply refused = changeAddress(orderId, -1);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("code").asString()).isEqualTo("too-many-address-changes");

        // the projection keeps going: a new order is visible within seconds, the hammered one is bounded
        String next = Api.placeOrder(settings.orderApiUrl(), "after-hostile");
        await().atMost(Duration.ofSeconds(10)).until(() -> Api.get(delivery(next)).status() == 200);
        Api.Reply view = await().atMost(Duration.ofSeconds(30)).until(() -> Api.get(delivery(orderId)),
                r -> r.status() == 200 && r.json().get("historySize").asLong() == 1 + MAX_ADDRESS_CHANGES);
        assertThat(view.body().getBytes(StandardCharsets.UTF_8).length).isLessThan(MAX_VIEW_BYTES);
        assertThat(Api.get(settings.deliveryUrl() + "/actuator/health").body()).contains("\"UP\"");
        await().atMost(Duration.ofSeconds(60)).until(HostileClientIT::projectionLag, lag -> lag < 100);
    }

    @Test
    void aDeliveryTakesABoundedNumberOfChangesAndItsWholeHistoryIsPaged() {
        String orderId = Api.placeOrder(settings.orderApiUrl(), "hostile-courier");
        await().atMost(Duration.ofSeconds(30)).until(() -> Api.get(delivery(orderId)).status() == 200);

        List<Integer> answers = IntStream.range(0, MAX_CHANGES_PER_DELIVERY + 50)
                .mapToObj(i -> Api.post(delivery(orderId) + "/courier", "{\"courierId\": \"courier-" + i + "\"}")
                        .status())
                .toList();

        // the view holds its first entry (OrderPlaced) and 99 assignments; the 100th and later are refused
        assertThat(answers.subList(0, MAX_CHANGES_PER_DELIVERY - 1)).containsOnly(202);
        assertThat(answers.subList(MAX_CHANGES_PER_DELIVERY - 1, answers.size())).containsOnly(409);
        JsonNode view = Api.get(delivery(orderId)).json();
        assertThat(view.get("historySize").asLong()).isEqualTo(MAX_CHANGES_PER_DELIVERY);
        assertThat(view.get("history").size()).isEqualTo(20);
        assertThat(view.get("courierId").asString()).isEqualTo("courier-" + (MAX_CHANGES_PER_DELIVERY - 2));

        JsonNode first = Api.get(delivery(orderId) + "/history?from=0&limit=60").json();
        JsonNode rest = Api.get(delivery(orderId) + "/history?from=" + first.get("next").asLong() + "&limit=60").json();
        assertThat(first.get("total").asLong()).isEqualTo(MAX_CHANGES_PER_DELIVERY);
        assertThat(first.get("items").size()).isEqualTo(60);
        assertThat(first.get("items").get(0).get("cause").asString()).isEqualTo("OrderPlaced");
        assertThat(first.get("items").get(1).get("note").asString()).isEqualTo("courier courier-0");
        assertThat(rest.get("items").size()).isEqualTo(40);
        assertThat(rest.get("next").isNull()).isTrue();
        assertThat(rest.get("items").get(39).get("note").asString())
                .contains("courier-" + (MAX_CHANGES_PER_DELIVERY - 2));
    }

    private static Api.Reply changeAddress(String orderId, int i) {
        String body = """
                {"recipient": "Ada Lovelace", "street": "%d Hammer Street", "city": "London", "postalCode": "N1",
                 "country": "GB"}""".formatted(i);
        return Api.send(HttpRequest.newBuilder(URI.create(settings.orderApiUrl() + "/orders/" + orderId
                        + "/delivery-address")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static String delivery(String orderId) {
        return settings.deliveryUrl() + "/deliveries/" + orderId;
    }

    /** Records of order.events the projection has not committed yet, over all partitions. */
    private static long projectionLag() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("delivery-streams")
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> ends = new java.util.HashMap<>();
            committed.keySet().stream().filter(tp -> tp.topic().equals("order.events"))
                    .forEach(tp -> ends.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> latest = admin.listOffsets(ends).all().get();
            return latest.entrySet().stream()
                    .mapToLong(e -> e.getValue().offset() - committed.get(e.getKey()).offset()).sum();
        }
    }
}
