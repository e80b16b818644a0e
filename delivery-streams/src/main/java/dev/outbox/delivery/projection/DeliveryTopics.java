package dev.outbox.delivery.projection;

import dev.outbox.delivery.platform.DeliveryProperties;
import dev.outbox.events.Topics;

/**
 * The topics the topology reads and writes. All are keyed by order id (UTF-8 string, the same bytes as Debezium's
 * StringConverter writes), so they are co-partitioned and every record of an order lands in the same task.
 */
public record DeliveryTopics(String orderEvents, String commands, String commandResults, String deliveryEvents,
                             String status, String deadLetters) {

    /** The names configured under {@code delivery.topics.*}. */
    public static DeliveryTopics of(DeliveryProperties.Topics topics) {
        return new DeliveryTopics(topics.orderEvents(), topics.commands(), topics.commandResults(),
                topics.deliveryEvents(), topics.status(), topics.deadLetters());
    }

    public static DeliveryTopics defaults() {
        return new DeliveryTopics(Topics.ORDER_EVENTS, Topics.DELIVERY_COMMANDS, Topics.DELIVERY_COMMAND_RESULTS,
                Topics.DELIVERY_EVENTS, Topics.DELIVERY_STATUS, Topics.DELIVERY_DLQ);
    }
}
