package dev.outbox.delivery.projection;

import dev.outbox.delivery.deadletter.DeadLetters;
import dev.outbox.delivery.deadletter.OriginalRecord;
import dev.outbox.delivery.platform.TraceContext;
import dev.outbox.delivery.projection.DecisionWriter.Prepared;
import dev.outbox.delivery.projection.DeliveryInput.OrderEventReceived;
import dev.outbox.delivery.rules.Decision;
import dev.outbox.delivery.rules.Delivery;
import dev.outbox.delivery.rules.OrderEvent;
import dev.outbox.events.delivery.DeliveryView;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Order events held back in the {@code pending-order-events} store because an earlier event of their order has not
 * arrived yet, and the wall-clock timer that stops waiting for it.
 *
 * <p>An event is held as it was consumed ({@link PendingOrderEvent}) and decoded again when it is released: right
 * after its predecessor is applied ({@link #applySuccessors}), or when the gap timeout has passed
 * ({@link #applyOverdue}), which applies what is held and notes the skipped numbers in the history. Without the
 * order's OrderPlaced there is nothing to apply them to: those go to the dead-letter topic
 * ({@link HeldBackDeadLetters}), as does one that no longer decodes or whose decision cannot be prepared.
 *
 * <p>About 250 lines: releasing after a predecessor and releasing after the timeout are the same job with two
 * triggers, and they share the decoding, the dead-lettering and the writing of a held-back event.
 */
final class HeldBackEvents {

    private static final Logger log = LoggerFactory.getLogger(HeldBackEvents.class);

    private final String storeName;
    private final Duration gapTimeout;
    private final Duration gapCheckInterval;
    private final Deserializer<Object> orderEventDeserializer;
    private final Delivery delivery;
    private final DecisionWriter writer;
    private final HeldBackDeadLetters deadLetters;
    private final DeliveryMetrics metrics;

    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, DeliveryView> deliveries;
    private KeyValueStore<String, PendingOrderEvent> pending;

    HeldBackEvents(String storeName, Duration gapTimeout, Duration gapCheckInterval,
                   Deserializer<Object> orderEventDeserializer, Delivery delivery, DecisionWriter writer,
                   HeldBackDeadLetters deadLetters, DeliveryMetrics metrics) {
        this.storeName = storeName;
        this.gapTimeout = gapTimeout;
        this.gapCheckInterval = gapCheckInterval;
        this.orderEventDeserializer = orderEventDeserializer;
        this.delivery = delivery;
        this.writer = writer;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    void init(ProcessorContext<Object, Object> context, KeyValueStore<String, DeliveryView> deliveries) {
        this.context = context;
        this.deliveries = deliveries;
        this.pending = context.getStateStore(storeName);
        deadLetters.init(context);
        // wall-clock, not stream time: a gap must time out even when no further records arrive
        context.schedule(gapCheckInterval, PunctuationType.WALL_CLOCK_TIME, this::applyOverdue);
    }

    /** Holds back the record being processed, an order event that comes after events not seen yet. */
    void hold(Record<String, DeliveryInput> record, OrderEventReceived received, DeliveryView view) {
        String orderId = record.key();
        OrderEvent event = received.event();
        pending.put(PendingOrderEvent.key(orderId, event.sequence()),
                new PendingOrderEvent(original(record, received), event.sequence(), context.currentSystemTimeMs()));
        metrics.buffered();
        log.info("Holding back {} #{} of order {}: waiting for {}", event.type(), event.sequence(), orderId,
                view == null ? "OrderPlaced" : "sequence " + (view.getOrderSequence() + 1));
    }

    /** After an event was applied, the held-back events that now follow without a gap are applied too. */
    void applySuccessors(String orderId, DeliveryView view) {
        for (KeyValue<String, PendingOrderEvent> entry : heldBackEventsOf(orderId)) {
            OrderEvent event = decodeOrDeadLetter(entry);
            if (event == null) {
                continue;
            }
            Delivery.Fit fit = delivery.fit(view, event);
            if (fit == Delivery.Fit.EARLY) {
                return; // still a gap before this one
            }
            pending.delete(entry.key);
            if (fit == Delivery.Fit.STALE) {
                metrics.staleDropped();
                continue;
            }
            DeliveryView current = view;
            Prepared prepared = applyHeldBack(entry, event, orderId, () -> delivery.apply(current, event, now()),
                    () -> log.info("Applied held-back {} #{} of order {}", event.type(), event.sequence(), orderId));
            if (prepared == null) {
                return;
            }
            view = prepared.view();
        }
    }

    /**
     * Punctuation: for every order whose oldest held-back event has waited longer than the gap timeout, stop
     * waiting for the missing events and apply what is held, in sequence order. Without the order's OrderPlaced
     * there is nothing to apply them to: those events go to the dead-letter topic.
     */
    void applyOverdue(long now) {
        Map<String, List<KeyValue<String, PendingOrderEvent>>> byOrder = new LinkedHashMap<>();
        try (KeyValueIterator<String, PendingOrderEvent> all = pending.all()) {
            all.forEachRemaining(kv -> byOrder.computeIfAbsent(PendingOrderEvent.orderIdOf(kv.key),
                    k -> new ArrayList<>()).add(kv));
        }
        long deadline = now - gapTimeout.toMillis();
        byOrder.forEach((orderId, entries) -> {
            if (entries.stream().noneMatch(e -> e.value.bufferedAt() <= deadline)) {
                return;
            }
            DeliveryView view = deliveries.get(orderId);
            for (KeyValue<String, PendingOrderEvent> entry : entries) {
                boolean overdue = entry.value.bufferedAt() <= deadline;
                OrderEvent event = decodeOrDeadLetter(entry);
                if (event == null) {
                    continue;
                }
                Delivery.Fit fit = delivery.fit(view, event);
                if (fit == Delivery.Fit.EARLY && !overdue) {
                    break; // a newer gap, with its own time still to run
                }
                if (view == null && fit == Delivery.Fit.EARLY) {
                    deadLetter(entry, event.eventId().toString(), DeadLetters.STAGE_GAP_TIMEOUT,
                            new IllegalStateException("no OrderPlaced for order " + orderId + " within " + gapTimeout
                                    + "; " + event.type() + " #" + event.sequence() + " cannot be applied"));
                    continue;
                }
                pending.delete(entry.key);
                if (fit == Delivery.Fit.STALE) {
                    metrics.staleDropped();
                    continue;
                }
                DeliveryView current = view;
                Prepared prepared = applyHeldBack(entry, event, orderId,
                        () -> delivery.applyAfterGap(current, event, Instant.ofEpochMilli(now)), () -> {
                            if (fit == Delivery.Fit.EARLY) {
                                metrics.gapSkipped();
                                log.warn("Gap timeout for order {}: applied {} #{} without sequence {}..{}", orderId,
                                        event.type(), event.sequence(), current.getOrderSequence() + 1,
                                        event.sequence() - 1);
                            }
                        });
                if (prepared == null) {
                    break;
                }
                view = prepared.view();
            }
        });
    }

    /**
     * Decides for a held-back event, in its own trace, then writes the decision, counts it and runs
     * {@code afterWrite}; null when it was dead-lettered instead (see {@link #prepareOrDeadLetter}).
     */
    private Prepared applyHeldBack(KeyValue<String, PendingOrderEvent> entry, OrderEvent event, String orderId,
                                   Supplier<Decision> decide, Runnable afterWrite) {
        TraceContext trace = TraceContext.fromHeaders(entry.value.original().headers());
        try (TraceContext.Scope ignored = trace.inMdc()) {
            Prepared prepared = prepareOrDeadLetter(entry, event, () -> writer.prepare(orderId, decide.get(), trace));
            if (prepared != null) {
                writer.write(prepared);
                metrics.applied(event.type());
                afterWrite.run();
            }
            return prepared;
        }
    }

    private List<KeyValue<String, PendingOrderEvent>> heldBackEventsOf(String orderId) {
        List<KeyValue<String, PendingOrderEvent>> entries = new ArrayList<>();
        try (KeyValueIterator<String, PendingOrderEvent> it =
                     pending.prefixScan(PendingOrderEvent.prefix(orderId), new StringSerializer())) {
            it.forEachRemaining(entries::add);
        }
        return entries;
    }

    /** Decodes a held-back event again; one that no longer decodes is dead-lettered (and null returned). */
    private OrderEvent decodeOrDeadLetter(KeyValue<String, PendingOrderEvent> entry) {
        OriginalRecord original = entry.value.original();
        try {
            return OrderEvent.of(orderEventDeserializer.deserialize(original.topic(), original.headers(),
                    original.value()));
        } catch (StreamsException e) {
            throw e;
        } catch (RuntimeException e) {
            deadLetter(entry, HeldBackDeadLetters.eventIdHeader(original), DeadLetters.STAGE_DECODE, e);
            return null;
        }
    }

    /**
     * Decides for a held-back event and prepares its writes; if that throws, the event is dead-lettered (it was
     * already taken from its source record, which is processed and may have changed the view, so the source record
     * must not be).
     */
    private Prepared prepareOrDeadLetter(KeyValue<String, PendingOrderEvent> entry, OrderEvent event,
                                         Supplier<Prepared> decideAndPrepare) {
        try {
            return decideAndPrepare.get();
        } catch (StreamsException e) {
            throw e;
        } catch (RuntimeException e) {
            deadLetter(entry, event.eventId().toString(), DeadLetters.STAGE_PROCESS, e);
            return null;
        }
    }

    private void deadLetter(KeyValue<String, PendingOrderEvent> entry, String eventId, String stage,
                            RuntimeException reason) {
        pending.delete(entry.key);
        deadLetters.send(entry.value.original(), eventId, stage, reason);
    }

    /** The record as it was consumed: the key is the order id's UTF-8 bytes, the value the Avro bytes decoded. */
    private OriginalRecord original(Record<String, DeliveryInput> record, OrderEventReceived received) {
        RecordMetadata metadata = context.recordMetadata().orElse(null);
        return new OriginalRecord(record.key().getBytes(StandardCharsets.UTF_8), received.value(), record.headers(),
                metadata == null ? null : metadata.topic(),
                metadata == null ? -1 : metadata.partition(),
                metadata == null ? -1 : metadata.offset(),
                record.timestamp());
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }
}
