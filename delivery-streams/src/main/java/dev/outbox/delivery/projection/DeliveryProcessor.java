package dev.outbox.delivery.projection;

import dev.outbox.delivery.platform.TraceContext;
import dev.outbox.delivery.projection.DeliveryInput.CommandReceived;
import dev.outbox.delivery.projection.DeliveryInput.OrderEventReceived;
import dev.outbox.delivery.rules.Decision;
import dev.outbox.delivery.rules.Delivery;
import dev.outbox.delivery.rules.OrderEvent;
import dev.outbox.events.delivery.DeliveryView;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one processor that owns the {@code deliveries} store: it applies order events and decides delivery commands,
 * one record at a time, with {@link Delivery} making every decision.
 *
 * <p>This is the "join" of order events and delivery events. Both inputs are keyed by order id and co-partitioned, so
 * all records of one order reach the same task, and the task handles them strictly one after the other. A command is
 * decided against the view as it is at that moment, and the view is updated before the next record is looked at.
 * Joining two KTables (order events, delivery events) would not give that: a command would be decided against a view
 * that does not yet include the events of a command decided a moment earlier (they would still be on their way
 * through the delivery events topic), so two concurrent "confirm pickup" commands could both be accepted.
 *
 * <p>This class dispatches; the work is its parts': order events are applied in their order's sequence, one that
 * arrives after a gap is held back ({@link HeldBackEvents}, which also gives up waiting after the gap timeout and
 * dead-letters what can never apply, through {@link HeldBackDeadLetters}); commands are decided once
 * ({@link IdempotentCommands}); each decision is written, all of it or nothing, by the {@link DecisionWriter}, all in
 * the task's exactly-once transaction, all carrying the trace context of the record that caused it.
 */
public final class DeliveryProcessor implements Processor<String, DeliveryInput, Object, Object> {

    /** Names of the child nodes this processor forwards to. */
    public record Outputs(String deliveryEvents, String statusChanges, String commandResults, String deadLetters) {
    }

    private static final Logger log = LoggerFactory.getLogger(DeliveryProcessor.class);

    private final Delivery delivery;
    private final String deliveriesStore;
    private final SeenEventIds seenEventIds;
    private final DecisionWriter writer;
    private final HeldBackEvents heldBack;
    private final IdempotentCommands commands;
    private final DeliveryMetrics metrics;

    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, DeliveryView> deliveries;

    DeliveryProcessor(Delivery delivery, String deliveriesStore, SeenEventIds seenEventIds, DecisionWriter writer,
                      HeldBackEvents heldBack, IdempotentCommands commands, DeliveryMetrics metrics) {
        this.delivery = delivery;
        this.deliveriesStore = deliveriesStore;
        this.seenEventIds = seenEventIds;
        this.writer = writer;
        this.heldBack = heldBack;
        this.commands = commands;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.deliveries = context.getStateStore(deliveriesStore);
        seenEventIds.init(context);
        commands.init(context, deliveries);
        writer.init(context, deliveries);
        heldBack.init(context, deliveries);
        WindowStoreAnchor.scheduleOnce(context, now -> {
            seenEventIds.anchor(now);
            commands.anchor(now);
        });
    }

    /**
     * Applies an order event or decides a command. What throws here goes to Kafka Streams' processing exception
     * handler, which dead-letters the record (see {@code DeadLetterHandler}); an order event's id is forgotten first,
     * since the dedup step recorded it when it passed the event on, and a replay must not be dropped as a duplicate.
     * The work before the first write is what can fail on the record, so a record that fails has written nothing.
     */
    @Override
    public void process(Record<String, DeliveryInput> record) {
        DeliveryInput input = record.value();
        try (TraceContext.Scope ignored = input.trace().inMdc()) {
            if (input instanceof OrderEventReceived received) {
                try {
                    requireKeyIsOrderId(record.key(), received.event().orderId().toString(), received.event().type());
                    onOrderEvent(record, received);
                } catch (RuntimeException e) {
                    seenEventIds.forget(received.event().eventId().toString(), context.currentSystemTimeMs());
                    throw e;
                }
            } else if (input instanceof CommandReceived received) {
                requireKeyIsOrderId(record.key(), received.command().getOrderId().toString(), "DeliveryCommand");
                commands.decide(record.key(), received);
            }
        }
    }

    /** A record keyed by something else than its order id would land in the wrong partition: poison. */
    private static void requireKeyIsOrderId(String key, String orderId, String type) {
        if (key == null) {
            throw new IllegalArgumentException("record has no key (the order id)");
        }
        if (!orderId.equals(key)) {
            throw new IllegalArgumentException(type + " of order " + orderId + " has key '" + key
                    + "'; the key must be the order id");
        }
    }

    private void onOrderEvent(Record<String, DeliveryInput> record, OrderEventReceived received) {
        String orderId = record.key();
        OrderEvent event = received.event();
        DeliveryView view = deliveries.get(orderId);
        switch (delivery.fit(view, event)) {
            case STALE -> {
                metrics.staleDropped();
                log.info("Dropping stale {} #{} of order {}: sequence {} already applied", event.type(),
                        event.sequence(), orderId, view.getOrderSequence());
            }
            case EARLY -> heldBack.hold(record, received, view);
            case NEXT -> {
                Decision decision = delivery.apply(view, event, Instant.ofEpochMilli(context.currentSystemTimeMs()));
                DecisionWriter.Prepared prepared = writer.prepare(orderId, decision, received.trace());
                writer.write(prepared);
                metrics.applied(event.type());
                heldBack.applySuccessors(orderId, prepared.view());
            }
        }
    }
}
