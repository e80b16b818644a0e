package dev.outbox.serde;

import java.util.Map;
import org.apache.avro.Schema;

/**
 * Chooses the registry subject a record's schema is registered (or looked up) under.
 *
 * <p>Configured with {@code key.subject.name.strategy} / {@code value.subject.name.strategy}; both accept Confluent's
 * class names ({@code io.confluent.kafka.serializers.subject.TopicNameStrategy}, {@code RecordNameStrategy},
 * {@code TopicRecordNameStrategy}), the classes of this package, or the name of any class implementing this interface
 * with a public no-argument constructor. Implementations must be thread-safe.
 */
public interface SubjectNameStrategy {

    /**
     * @param topic  the topic being written
     * @param isKey  true when serialising the record key
     * @param schema the schema of the record being written
     * @return the subject; never null
     */
    String subjectName(String topic, boolean isKey, Schema schema);

    /** Receives the serializer's configuration once, after construction; the default ignores it. */
    default void configure(Map<String, ?> configs) {
    }

    /**
     * The full name of a named schema (record, enum, fixed), for the record-name strategies.
     *
     * @throws org.apache.kafka.common.errors.SerializationException for an unnamed schema (primitive, array, map, union)
     */
    static String fullName(Schema schema, boolean isKey, String strategy) {
        switch (schema.getType()) {
            case RECORD, ENUM, FIXED:
                return schema.getFullName();
            default:
                throw new org.apache.kafka.common.errors.SerializationException(strategy + " needs a named Avro schema "
                        + "(record, enum or fixed) for the message " + (isKey ? "key" : "value") + ", got "
                        + schema.getType().getName() + "; use TopicNameStrategy for primitive " + (isKey ? "keys" : "values"));
        }
    }
}
