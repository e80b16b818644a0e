package dev.outbox.order.outbox;

import dev.outbox.events.Topics;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param schemaRegistryUrl   Confluent-compatible registry the payloads' schemas are registered in
 * @param topic               topic the events end up on (Debezium routes aggregatetype "order" to "order.events");
 *                            used for the subject name when the strategy involves the topic
 * @param aggregateType       the outbox rows' aggregatetype
 * @param deleteAfterInsert   delete each outbox row in the transaction that inserted it (the binlog keeps the
 *                            insert, the table stays empty); false keeps rows for debugging
 * @param schemaRegistryUserInfo {@code user:password} for the registry's HTTP Basic authentication (an account that
 *                            may register schemas: the registry's writer role); empty: none, or the URL's own
 *                            ({@code http://user:password@host:8081}). Env {@code OUTBOX_SCHEMA_REGISTRY_USER_INFO}.
 */
@ConfigurationProperties("outbox")
public record OutboxProperties(
        @DefaultValue("http://127.0.0.1:8081") String schemaRegistryUrl,
        @DefaultValue(Topics.ORDER_EVENTS) String topic,
        @DefaultValue("order") String aggregateType,
        @DefaultValue("true") boolean deleteAfterInsert,
        @DefaultValue("") String schemaRegistryUserInfo) {

    @Override
    public String toString() {
        return "OutboxProperties[schemaRegistryUrl=" + schemaRegistryUrl + ", topic=" + topic + ", aggregateType="
                + aggregateType + ", deleteAfterInsert=" + deleteAfterInsert + ", schemaRegistryUserInfo="
                + (schemaRegistryUserInfo.isEmpty() ? "" : "[hidden]") + "]";
    }
}
