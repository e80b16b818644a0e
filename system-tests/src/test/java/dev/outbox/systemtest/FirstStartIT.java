package dev.outbox.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outbox.stack.Stack;
import dev.outbox.stack.StackSettings;
import dev.outbox.stack.junit.LocalStackExtension;
import dev.outbox.stack.junit.StackParts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A first start in the other order: order-api takes orders before the outbox connector has ever run against the
 * database (no stored offsets, no schema history), as under {@code docker compose up} when the app is up before the
 * connector is registered. Every order that got a 201 must still reach {@code order.events}: the outbox rows were
 * deleted in their transactions, so only the binlog holds them, and the connector reads it from its beginning on its
 * first start ({@code snapshot.mode=never}).
 */
@ExtendWith(LocalStackExtension.class)
@StackParts({Stack.Part.MARIADB, Stack.Part.KAFKA, Stack.Part.REGISTRY, Stack.Part.ORDER_API})
class FirstStartIT {

    @Test
    void ordersPlacedBeforeTheConnectorFirstStartsAllReachTheOrderTopic(Stack stack, StackSettings settings) {
        String orderApi = "http://" + settings.host() + ":" + settings.orderApiPort();
        List<String> placed = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            placed.add(Api.placeOrder(orderApi, "first-start-" + i));
        }

        stack.start(Stack.Part.CONNECT);
        String after = Api.placeOrder(orderApi, "first-start-after");

        try (TopicReader reader = new TopicReader(settings.kafkaBootstrap(), "order.events")) {
            List<ConsumerRecord<String, byte[]>> records = reader.readUntil(
                    seen -> keys(seen).containsAll(placed) && keys(seen).contains(after), Duration.ofSeconds(60));
            assertThat(keys(records)).as("order ids on order.events").containsAll(placed).contains(after);
            assertThat(records).filteredOn(r -> placed.contains(r.key()))
                    .extracting(r -> TopicReader.header(r, "eventType")).containsOnly("OrderPlaced").hasSize(20);
        }
    }

    private static Set<String> keys(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
    }
}
