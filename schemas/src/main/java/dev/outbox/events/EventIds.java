package dev.outbox.events;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

import java.util.UUID;

/**
 * The id of an event. Every event schema has an {@code eventId} field (a uuid); it becomes the outbox row's id and
 * the Kafka record's {@code id} header, and consumers deduplicate by it. Read here, by the schema's field, for code
 * that handles events of several types without knowing which.
 */
public final class EventIds {

    private EventIds() {
    }

    /**
     * @throws IllegalArgumentException when the record's schema has no {@code eventId} field or the field is null
     *                                  (not an event, or one built wrongly)
     */
    public static UUID of(SpecificRecord event) {
        Schema.Field field = event.getSchema().getField("eventId");
        Object id = field == null ? null : event.get(field.pos());
        if (id == null) {
            throw new IllegalArgumentException(event.getSchema().getFullName() + " has no eventId");
        }
        return id instanceof UUID uuid ? uuid : UUID.fromString(id.toString());
    }
}
