package dev.outbox.delivery.projection;

/**
 * The topics the topology reads and writes. All are keyed by order id (UTF-8 string, the same bytes as Debezium's
 * StringConverter writes), so they are co-partitioned and every record of an order lands in the same task.
 */
public record DeliveryTopics(String orderEvents, String commands, String commandResults, String deliveryEvents,
                             String status, String deadLetters) {

    public static DeliveryTopics defaults() {
        return new DeliveryTopics("order.events", "delivery.commands", "delivery.command-results", "delivery.events",
                "delivery.status", "delivery.dlq");
    }
}
