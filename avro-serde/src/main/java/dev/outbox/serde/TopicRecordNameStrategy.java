package dev.outbox.serde;

import org.apache.avro.Schema;

/**
 * {@code <topic>-<record full name>}: several event types per topic, each with its own lineage per topic. Same
 * behaviour as {@code io.confluent.kafka.serializers.subject.TopicRecordNameStrategy}.
 */
public class TopicRecordNameStrategy implements SubjectNameStrategy {
    @Override
    public String subjectName(String topic, boolean isKey, Schema schema) {
        return topic + "-" + SubjectNameStrategy.fullName(schema, isKey, "TopicRecordNameStrategy");
    }
}
