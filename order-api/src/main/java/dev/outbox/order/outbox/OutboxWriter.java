package dev.outbox.order.outbox;

import dev.outbox.events.EventIds;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;

/**
 * Writes events to the outbox table inside the caller's transaction: one row per event, with the Avro payload, and
 * (by default) deletes them again in the same transaction. Debezium reads the inserts from the binlog; the table
 * never grows, and no separate relay has to poll or clean it.
 */
@Component
public class OutboxWriter {

    /** W3C trace context of the request that caused the events; either part may be null. */
    public record TraceHeaders(String traceparent, String tracestate) {
        public static final TraceHeaders NONE = new TraceHeaders(null, null);
    }

    private final DatabaseClient db;
    private final EventEncoder encoder;
    private final OutboxProperties properties;
    private final Counter rowsWritten;

    public OutboxWriter(DatabaseClient db, EventEncoder encoder, OutboxProperties properties, MeterRegistry meters) {
        this.db = db;
        this.encoder = encoder;
        this.properties = properties;
        this.rowsWritten = Counter.builder("outbox.rows.written").description("Outbox rows inserted").register(meters);
    }

    /** Must run inside the transaction that changes the aggregate: that is the whole point of the outbox. */
    public Mono<Void> write(UUID aggregateId, List<SpecificRecord> events, long firstSequence, TraceHeaders trace) {
        if (events.isEmpty()) {
            return Mono.empty();
        }
        return Flux.fromIterable(events).index()
                .concatMap(indexed -> encoder.encode(indexed.getT2()).flatMap(encoded -> insert(aggregateId,
                        indexed.getT2(), encoded, firstSequence + indexed.getT1(), trace)))
                .then(properties.deleteAfterInsert() ? delete(events) : Mono.empty());
    }

    private Mono<Void> insert(UUID aggregateId, SpecificRecord event, EventEncoder.Encoded encoded, long sequence,
                              TraceHeaders trace) {
        return db.sql("""
                        INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, schema_id, sequence,
                                            traceparent, tracestate)
                        VALUES (:id, :aggregateType, :aggregateId, :type, :payload, :schemaId, :sequence,
                                :traceparent, :tracestate)""")
                .bind("id", eventId(event).toString())
                .bind("aggregateType", properties.aggregateType())
                .bind("aggregateId", aggregateId.toString())
                .bind("type", event.getSchema().getName())
                .bind("payload", ByteBuffer.wrap(encoded.bytes()))
                .bind("schemaId", encoded.schemaId())
                .bind("sequence", sequence)
                .bind("traceparent", Parameter.fromOrEmpty(trace.traceparent(), String.class))
                .bind("tracestate", Parameter.fromOrEmpty(trace.tracestate(), String.class))
                .fetch().rowsUpdated()
                .doOnNext(n -> rowsWritten.increment())
                .then();
    }

    private Mono<Void> delete(List<SpecificRecord> events) {
        if (events.size() == 1) {
            return db.sql("DELETE FROM outbox WHERE id = :id").bind("id", eventId(events.get(0)).toString())
                    .fetch().rowsUpdated().then();
        }
        return db.sql("DELETE FROM outbox WHERE id IN (:ids)")
                .bind("ids", events.stream().map(e -> eventId(e).toString()).toList())
                .fetch().rowsUpdated().then();
    }

    /** Every event schema has an eventId field (uuid); it becomes the outbox row id and the Kafka `id` header. */
    static UUID eventId(SpecificRecord event) {
        return EventIds.of(event);
    }
}
