package dev.outbox.delivery.feed;

import dev.outbox.delivery.projection.OutputHeaders;
import dev.outbox.events.delivery.DeliveryCommandResult;
import dev.outbox.events.delivery.DeliveryStatusChanged;
import dev.outbox.serde.AvroSerdeConfig;
import dev.outbox.serde.KafkaAvroDeserializer;
import dev.outbox.serde.SchemaRegistryClient;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes each record the {@link DeliveryOutputsFeed} reads and hands it on: a command result to the
 * {@link CommandResultListener}, a status change to {@link StatusChanges}. A record that does not decode is logged and
 * skipped.
 */
final class OutputsDispatcher {

    private static final Logger log = LoggerFactory.getLogger(OutputsDispatcher.class);

    private final KafkaAvroDeserializer deserializer;
    private final CommandResultListener commandResults;
    private final StatusChanges statusChanges;

    OutputsDispatcher(SchemaRegistryClient registry, CommandResultListener commandResults,
                      StatusChanges statusChanges) {
        this.deserializer = new KafkaAvroDeserializer(registry,
                Map.of(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true), false);
        this.commandResults = commandResults;
        this.statusChanges = statusChanges;
    }

    void dispatch(ConsumerRecord<String, byte[]> record) {
        Object value;
        try {
            value = deserializer.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            log.warn("Skipping undecodable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.toString());
            return;
        }
        if (value instanceof DeliveryCommandResult result) {
            if (record.headers().lastHeader(OutputHeaders.COMMAND_ID_REUSED) != null) {
                commandResults.idReused(result);
            } else {
                commandResults.decided(result);
            }
        } else if (value instanceof DeliveryStatusChanged change) {
            statusChanges.publish(change);
        }
    }
}
