package dev.outbox.delivery.projection;

import dev.outbox.delivery.deadletter.DeadLetters;
import dev.outbox.delivery.deadletter.OriginalRecord;
import dev.outbox.delivery.platform.TraceContext;
import dev.outbox.delivery.projection.DeliveryInput.CommandReceived;
import dev.outbox.delivery.projection.DeliveryInput.OrderEventReceived;
import dev.outbox.delivery.rules.Decision;
import dev.outbox.delivery.rules.Delivery;
import dev.outbox.delivery.rules.OrderEvent;
import dev.outbox.events.delivery.CommandOutcome;
import dev.outbox.events.delivery.DeliveryCommand;
import dev.outbox.events.delivery.DeliveryCommandResult;
import dev.outbox.events.delivery.DeliveryStatusChanged;
import dev.outbox.events.delivery.DeliveryView;
import dev.outbox.events.delivery.StatusTransition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
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
 * <p>Order events are applied in their order's sequence. One that arrives after a gap is held in the
 * {@code pending-order-events} store until the missing ones come; a wall-clock punctuator gives up waiting after the
 * gap timeout, applies what it holds and notes the skipped numbers in the history. A held-back event that goes to
 * the dead-letter topic instead has its id forgotten by the dedup step's store: it was not processed, so its replay
 * must not be dropped as a duplicate.
 *
 * <p>Each decision is written as: the view to the store, each new history entry to the status topic, the decided
 * delivery events to the events topic, the command's result to the results topic, all in the task's exactly-once
 * transaction, all carrying the trace context of the record that caused them. All of a decision's writes happen or
 * none: every record is built first ({@link #prepare}), and only then is anything written ({@link #write}). A decision
 * that cannot be prepared has written nothing when its record goes to the dead-letter topic; what can still fail
 * while writing is Streams' own trouble (a sink that cannot serialise, a fenced producer), which fails the task, so
 * the transaction is aborted and the store restored from its changelog.
 */
public final class DeliveryProcessor implements Processor<String, DeliveryInput, Object, Object> {

    /** Header naming the event's schema on {@code delivery.events}, as Debezium's {@code eventType} on order events. */
    public static final String EVENT_TYPE_HEADER = "eventType";
    /** Header carrying the event id on {@code delivery.events}, as Debezium's {@code id} on order events. */
    public static final String EVENT_ID_HEADER = "id";
    /**
     * Header {@code true} on a command result refusing a command whose id was already used for another command
     * (a client's Idempotency-Key reused with another request); the HTTP side answers it 422.
     */
    public static final String COMMAND_ID_REUSED_HEADER = "commandIdReused";

    /** Names of the child nodes this processor forwards to. */
    public record Outputs(String deliveryEvents, String statusChanges, String commandResults, String deadLetters) {
    }

    private static final Logger log = LoggerFactory.getLogger(DeliveryProcessor.class);

    private final Delivery delivery;
    private final String deliveriesStore;
    private final String pendingStore;
    private final Duration gapTimeout;
    private final Duration gapCheckInterval;
    private final Deserializer<Object> orderEventDeserializer;
    private final SeenEventIds seenEventIds;
    private final DecidedCommands decidedCommands;
    private final StatusIndex statusIndex;
    private final Outputs outputs;
    private final DeliveryMetrics metrics;

    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, DeliveryView> deliveries;
    private KeyValueStore<String, PendingOrderEvent> pending;

    public DeliveryProcessor(Delivery delivery, String deliveriesStore, String pendingStore, Duration gapTimeout,
                             Duration gapCheckInterval, Deserializer<Object> orderEventDeserializer,
                             SeenEventIds seenEventIds, DecidedCommands decidedCommands, StatusIndex statusIndex,
                             Outputs outputs, DeliveryMetrics metrics) {
        this.statusIndex = statusIndex;
        this.delivery = delivery;
        this.deliveriesStore = deliveriesStore;
        this.pendingStore = pendingStore;
        this.gapTimeout = gapTimeout;
        this.gapCheckInterval = gapCheckInterval;
        this.orderEventDeserializer = orderEventDeserializer;
        this.seenEventIds = seenEventIds;
        this.decidedCommands = decidedCommands;
        this.outputs = outputs;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.deliveries = context.getStateStore(deliveriesStore);
        this.pending = context.getStateStore(pendingStore);
        seenEventIds.init(context);
        decidedCommands.init(context);
        statusIndex.init(context, deliveries);
        // wall-clock, not stream time: a gap must time out even when no further records arrive
        context.schedule(gapCheckInterval, PunctuationType.WALL_CLOCK_TIME, this::applyOverdueEvents);
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
                onCommand(record.key(), received);
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

    // ---------------------------------------------------------------------------------------------------------------
    // order events

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
            case EARLY -> {
                pending.put(PendingOrderEvent.key(orderId, event.sequence()),
                        new PendingOrderEvent(original(record, received), event.sequence(),
                                context.currentSystemTimeMs()));
                metrics.buffered();
                log.info("Holding back {} #{} of order {}: waiting for {}", event.type(), event.sequence(), orderId,
                        view == null ? "OrderPlaced" : "sequence " + (view.getOrderSequence() + 1));
            }
            case NEXT -> {
                Decision decision = delivery.apply(view, event, now());
                write(prepare(orderId, decision, received.trace()));
                metrics.applied(event.type());
                applyBufferedSuccessors(orderId, decision.view());
            }
        }
    }

    /** After an event was applied, the buffered events that now follow without a gap can be applied too. */
    private void applyBufferedSuccessors(String orderId, DeliveryView view) {
        for (KeyValue<String, PendingOrderEvent> entry : bufferedEventsOf(orderId)) {
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
            TraceContext trace = TraceContext.fromHeaders(entry.value.original().headers());
            try (TraceContext.Scope ignored = trace.inMdc()) {
                DeliveryView current = view;
                Prepared prepared = prepareOrDeadLetter(entry, event,
                        () -> prepare(orderId, delivery.apply(current, event, now()), trace));
                if (prepared == null) {
                    return;
                }
                write(prepared);
                metrics.applied(event.type());
                view = prepared.decision().view();
                log.info("Applied held-back {} #{} of order {}", event.type(), event.sequence(), orderId);
            }
        }
    }

    /**
     * Punctuation: for every order whose oldest held-back event has waited longer than the gap timeout, stop
     * waiting for the missing events and apply what is held, in sequence order. Without the order's OrderPlaced
     * there is nothing to apply them to: those events go to the dead-letter topic.
     */
    void applyOverdueEvents(long now) {
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
                    deadLetter(entry, event.eventId().toString(), DeadLetters.STAGE_GAP_TIMEOUT, new IllegalStateException("no OrderPlaced for order "
                            + orderId + " within " + gapTimeout + "; " + event.type() + " #" + event.sequence()
                            + " cannot be applied"));
                    continue;
                }
                pending.delete(entry.key);
                if (fit == Delivery.Fit.STALE) {
                    metrics.staleDropped();
                    continue;
                }
                TraceContext trace = TraceContext.fromHeaders(entry.value.original().headers());
                try (TraceContext.Scope ignored = trace.inMdc()) {
                    DeliveryView current = view;
                    Prepared prepared = prepareOrDeadLetter(entry, event, () -> prepare(orderId,
                            delivery.applyAfterGap(current, event, Instant.ofEpochMilli(now)), trace));
                    if (prepared == null) {
                        break;
                    }
                    write(prepared);
                    metrics.applied(event.type());
                    if (fit == Delivery.Fit.EARLY) {
                        metrics.gapSkipped();
                        log.warn("Gap timeout for order {}: applied {} #{} without sequence {}..{}", orderId,
                                event.type(), event.sequence(), view.getOrderSequence() + 1, event.sequence() - 1);
                    }
                    view = prepared.decision().view();
                }
            }
        });
    }

    private List<KeyValue<String, PendingOrderEvent>> bufferedEventsOf(String orderId) {
        List<KeyValue<String, PendingOrderEvent>> entries = new ArrayList<>();
        try (KeyValueIterator<String, PendingOrderEvent> it =
                     pending.prefixScan(PendingOrderEvent.prefix(orderId), new StringSerializer())) {
            it.forEachRemaining(entries::add);
        }
        return entries;
    }

    /**
     * Decodes a held-back event again; one that no longer decodes is dead-lettered (and null returned). Its id is
     * then taken from the {@value #EVENT_ID_HEADER} header Debezium's outbox router puts on every order event.
     */
    private OrderEvent decodeOrDeadLetter(KeyValue<String, PendingOrderEvent> entry) {
        OriginalRecord original = entry.value.original();
        try {
            return OrderEvent.of(orderEventDeserializer.deserialize(original.topic(), original.headers(),
                    original.value()));
        } catch (StreamsException e) {
            throw e;
        } catch (RuntimeException e) {
            deadLetter(entry, eventIdHeader(original), DeadLetters.STAGE_DECODE, e);
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

    /**
     * Dead-letters a held-back event, and forgets its id: the dedup step recorded it when it passed the event on, but
     * it was never applied, so a replay from the dead-letter topic must be processed, not dropped as a duplicate.
     */
    private void deadLetter(KeyValue<String, PendingOrderEvent> entry, String eventId, String stage,
                            RuntimeException reason) {
        OriginalRecord original = entry.value.original();
        log.warn("Dead-lettering held-back record {}-{}@{}: {}", original.topic(), original.partition(),
                original.offset(), DeadLetters.reason(reason));
        pending.delete(entry.key);
        if (eventId != null) {
            seenEventIds.forget(eventId, context.currentSystemTimeMs());
        } else {
            log.warn("Held-back record {}-{}@{} has no event id: a replay of it may be dropped as a duplicate",
                    original.topic(), original.partition(), original.offset());
        }
        context.forward(DeadLetters.deadLetter(original, stage, reason), outputs.deadLetters());
        metrics.deadLettered(original.topic(), stage);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // commands

    /**
     * Decides a command, once: a command whose id was decided before (a client's retry under the same
     * Idempotency-Key, see {@link DecidedCommands}) is answered with the first result and changes nothing; one whose
     * id was used for another request is refused, also changing nothing.
     */
    private void onCommand(String orderId, CommandReceived received) {
        DeliveryCommand command = received.command();
        String commandId = command.getCommandId().toString();
        long nowMs = context.currentSystemTimeMs();
        String fingerprint = DecidedCommands.fingerprint(command);
        DecidedCommands.Decided earlier = decidedCommands.find(commandId, nowMs);
        if (earlier != null) {
            answerRepeated(orderId, command, earlier, fingerprint, received.trace());
            return;
        }
        Decision decision = delivery.decide(deliveries.get(orderId), command, now());
        Prepared prepared = prepare(orderId, decision, received.trace());
        byte[] decided = decidedCommands.serialize(new DecidedCommands.Decided(fingerprint, decision.result()));
        write(prepared, commandId, decided, nowMs);
        metrics.commandDecided(decision.result().getOutcome());
        if (decision.viewChanged()) {
            log.debug("Command {} on order {}: {} -> {}", command.getCommandId(), orderId,
                    command.getCommand().getClass().getSimpleName(), decision.view().getStatus());
        } else {
            log.info("Command {} on order {}: {} {}: {}", command.getCommandId(), orderId,
                    command.getCommand() == null ? null : command.getCommand().getClass().getSimpleName(),
                    decision.result().getOutcome(), decision.result().getReason());
        }
    }

    private void answerRepeated(String orderId, DeliveryCommand command, DecidedCommands.Decided earlier,
                                String fingerprint, TraceContext trace) {
        Headers headers = trace.addTo(new RecordHeaders());
        DeliveryCommandResult answer;
        if (earlier.fingerprint().equals(fingerprint)) {
            answer = earlier.result();
            log.info("Command {} on order {} was decided before ({}): answering with that result again",
                    command.getCommandId(), orderId, answer.getOutcome());
        } else {
            DeliveryView view = deliveries.get(orderId);
            answer = new DeliveryCommandResult(command.getCommandId(), command.getOrderId(), CommandOutcome.REJECTED,
                    view == null ? null : view.getStatus(), "command id " + command.getCommandId() + " was already "
                    + "used for another command (an Idempotency-Key reused with another request); nothing was done",
                    now());
            headers.add(COMMAND_ID_REUSED_HEADER, "true".getBytes(StandardCharsets.UTF_8));
            log.warn("Command {} on order {} reuses the id of another command: refused", command.getCommandId(),
                    orderId);
        }
        metrics.commandRepeated(answer == earlier.result());
        Output result = new Output(new Record<>(orderId, answer, context.currentSystemTimeMs(), headers),
                outputs.commandResults());
        write(new Prepared(orderId, new Decision(null, false, List.of(), List.of(), answer), List.of(result)));
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** A decision and every write it makes, built and checked, none of them made yet. */
    private record Prepared(String orderId, Decision decision, List<Output> outputs) {
    }

    /** A record for one of the child nodes. */
    private record Output(Record<Object, Object> record, String child) {
    }

    /**
     * Builds every record the decision writes. Whatever can fail in turning a decision into records fails here,
     * before anything was written.
     */
    private Prepared prepare(String orderId, Decision decision, TraceContext trace) {
        long timestamp = context.currentSystemTimeMs();
        List<Output> writes = new ArrayList<>();
        for (StatusTransition transition : decision.newHistory()) {
            DeliveryStatusChanged changed = new DeliveryStatusChanged(decision.view().getOrderId(), transition);
            writes.add(new Output(new Record<>(orderId, changed, timestamp, trace.addTo(new RecordHeaders())),
                    outputs.statusChanges()));
        }
        for (SpecificRecord event : decision.events()) {
            Schema.Field eventIdField = event.getSchema().getField("eventId");
            Object eventId = eventIdField == null ? null : event.get(eventIdField.pos());
            if (eventId == null) {
                throw new IllegalStateException("decided " + event.getSchema().getFullName() + " for order " + orderId
                        + " has no eventId");
            }
            Headers headers = trace.addTo(new RecordHeaders());
            headers.add(EVENT_TYPE_HEADER, event.getSchema().getName().getBytes(StandardCharsets.UTF_8));
            headers.add(EVENT_ID_HEADER, eventId.toString().getBytes(StandardCharsets.UTF_8));
            writes.add(new Output(new Record<>(orderId, event, timestamp, headers), outputs.deliveryEvents()));
        }
        if (decision.result() != null) {
            writes.add(new Output(new Record<>(orderId, decision.result(), timestamp,
                    trace.addTo(new RecordHeaders())), outputs.commandResults()));
        }
        return new Prepared(orderId, decision, writes);
    }

    /** Makes the prepared writes: the view first, then the records. */
    private void write(Prepared prepared) {
        write(prepared, null, null, 0);
    }

    /** ... and, for a command, remembers it as decided (already serialised: only Streams' own errors remain). */
    private void write(Prepared prepared, String commandId, byte[] decided, long now) {
        if (prepared.decision().viewChanged()) {
            DeliveryView view = prepared.decision().view();
            deliveries.put(prepared.orderId(), view);
            List<StatusTransition> added = prepared.decision().newHistory();
            if (!added.isEmpty()) {
                statusIndex.moved(prepared.orderId(), added.get(0).getFrom(), view.getStatus(),
                        view.getUpdatedAt().toEpochMilli());
            }
        }
        if (commandId != null) {
            decidedCommands.remember(commandId, decided, now);
        }
        for (Output output : prepared.outputs()) {
            context.forward(output.record(), output.child());
        }
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

    private static String eventIdHeader(OriginalRecord original) {
        Header header = original.headers().lastHeader(EVENT_ID_HEADER);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }
}
