package dev.outbox.order.outbox;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param schemaRegistryUrl   Confluent-compatible registry the payloads' schemas are registered in
 * @param topic               topic the events end up on (Debezium routes aggregatetype "order" to "order.events");
 *                            used for the subject name when the strategy involves the topic
 * @param aggregateType       the outbox rows' aggregatetype
 * @param deleteAfterInsert   delete each outbox row in the transaction that inserted it (the binlog keeps the
 *                            insert, the table stays empty); false keeps rows for debugging
 */
@ConfigurationProperties("outbox")
public record OutboxProperties(
        @DefaultValue("http://127.0.0.1:8081") String schemaRegistryUrl,
        @DefaultValue("order.events") String topic,
        @DefaultValue("order") String aggregateType,
        @DefaultValue("true") boolean deleteAfterInsert) {
}
