package dev.outbox.serde;

import org.apache.avro.Schema;

/**
 * The record's full name (e.g. {@code dev.outbox.events.order.OrderPlaced}), whatever the topic: lets one topic carry
 * several event types, each with its own lineage shared by every topic. Same behaviour as
 * {@code io.confluent.kafka.serializers.subject.RecordNameStrategy}.
 */
public class RecordNameStrategy implements SubjectNameStrategy {
    @Override
    public String subjectName(String topic, boolean isKey, Schema schema) {
        return SubjectNameStrategy.fullName(schema, isKey, "RecordNameStrategy");
    }
}
