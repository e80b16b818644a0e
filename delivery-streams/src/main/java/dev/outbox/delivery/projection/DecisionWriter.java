package dev.outbox.delivery.projection;

import dev.outbox.delivery.platform.TraceContext;
import dev.outbox.delivery.rules.Decision;
import dev.outbox.events.EventIds;
import dev.outbox.events.delivery.DeliveryCommandResult;
import dev.outbox.events.delivery.DeliveryStatusChanged;
import dev.outbox.events.delivery.DeliveryView;
import dev.outbox.events.delivery.StatusTransition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Writes what {@link dev.outbox.delivery.rules.Delivery} decided: the view to the {@code deliveries} store (with its
 * latest history entries only, the older ones to {@link DeliveryHistory}; and its move to the {@link StatusIndex}),
 * each new history entry to the status topic, the decided delivery events to the
 * events topic, the command's result to the results topic, all carrying the trace context of the record that caused
 * them, all in the task's exactly-once transaction.
 *
 * <p>All of a decision's writes happen or none: every record is built first ({@link #prepare}), and only then is
 * anything written ({@link #write}). A decision that cannot be prepared has written nothing when its record goes to
 * the dead-letter topic; what can still fail while writing is Streams' own trouble (a sink that cannot serialise, a
 * fenced producer), which fails the task, so the transaction is aborted and the store restored from its changelog.
 */
final class DecisionWriter {

    /**
     * A decision and every write it makes, built and checked, none of them made yet.
     *
     * @param stored the view as it is stored (its history trimmed), to decide the next event of the order on
     */
    record Prepared(String orderId, Decision decision, DeliveryHistory.Trimmed stored, List<Output> outputs) {

        DeliveryView view() {
            return stored.view();
        }
    }

    /** A record for one of the child nodes. */
    private record Output(Record<Object, Object> record, String child) {
    }

    private final StatusIndex statusIndex;
    private final DeliveryHistory history;
    private final DeliveryProcessor.Outputs outputs;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, DeliveryView> deliveries;

    DecisionWriter(StatusIndex statusIndex, DeliveryHistory history, DeliveryProcessor.Outputs outputs) {
        this.statusIndex = statusIndex;
        this.history = history;
        this.outputs = outputs;
    }

    void init(ProcessorContext<Object, Object> context, KeyValueStore<String, DeliveryView> deliveries) {
        this.context = context;
        this.deliveries = deliveries;
        statusIndex.init(context, deliveries);
        history.init(context);
    }

    /**
     * Builds every record the decision writes. Whatever can fail in turning a decision into records fails here,
     * before anything was written.
     */
    Prepared prepare(String orderId, Decision decision, TraceContext trace) {
        long timestamp = context.currentSystemTimeMs();
        List<Output> writes = new ArrayList<>();
        for (StatusTransition transition : decision.newHistory()) {
            DeliveryStatusChanged changed = new DeliveryStatusChanged(decision.view().getOrderId(), transition);
            writes.add(new Output(new Record<>(orderId, changed, timestamp, trace.addTo(new RecordHeaders())),
                    outputs.statusChanges()));
        }
        for (SpecificRecord event : decision.events()) {
            UUID eventId;
            try {
                eventId = EventIds.of(event);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("decided " + event.getSchema().getFullName() + " for order " + orderId
                        + " has no eventId", e);
            }
            Headers headers = trace.addTo(new RecordHeaders());
            headers.add(OutputHeaders.EVENT_TYPE, event.getSchema().getName().getBytes(StandardCharsets.UTF_8));
            headers.add(OutputHeaders.EVENT_ID, eventId.toString().getBytes(StandardCharsets.UTF_8));
            writes.add(new Output(new Record<>(orderId, event, timestamp, headers), outputs.deliveryEvents()));
        }
        if (decision.result() != null) {
            writes.add(new Output(new Record<>(orderId, decision.result(), timestamp,
                    trace.addTo(new RecordHeaders())), outputs.commandResults()));
        }
        DeliveryHistory.Trimmed stored = decision.viewChanged() ? history.trim(decision.view())
                : new DeliveryHistory.Trimmed(decision.view(), 0, List.of());
        return new Prepared(orderId, decision, stored, writes);
    }

    /** Makes the prepared writes: the view first, then the records. */
    void write(Prepared prepared) {
        writeView(prepared);
        forward(prepared);
    }

    /** The view, when it changed, the history entries it no longer holds, and its move in the status index. */
    void writeView(Prepared prepared) {
        if (prepared.decision().viewChanged()) {
            DeliveryView view = prepared.view();
            history.store(prepared.orderId(), prepared.stored());
            deliveries.put(prepared.orderId(), view);
            List<StatusTransition> added = prepared.decision().newHistory();
            if (!added.isEmpty()) {
                statusIndex.moved(prepared.orderId(), added.get(0).getFrom(), view.getStatus(),
                        view.getUpdatedAt().toEpochMilli());
            }
        }
    }

    /** The records, to their sinks. */
    void forward(Prepared prepared) {
        for (Output output : prepared.outputs()) {
            context.forward(output.record(), output.child());
        }
    }

    /** Answers a command without a decision (a repeated command id): its result only, with these headers. */
    void writeAnswer(String orderId, DeliveryCommandResult answer, Headers headers) {
        context.forward(new Record<>(orderId, answer, context.currentSystemTimeMs(), headers),
                outputs.commandResults());
    }
}
