package dev.outbox.serde;

import org.apache.avro.Schema;

/**
 * {@code <topic>-key} / {@code <topic>-value}: one schema lineage per topic (Confluent's default). Same behaviour as
 * {@code io.confluent.kafka.serializers.subject.TopicNameStrategy}.
 */
public class TopicNameStrategy implements SubjectNameStrategy {
    @Override
    public String subjectName(String topic, boolean isKey, Schema schema) {
        return topic + (isKey ? "-key" : "-value");
    }
}
