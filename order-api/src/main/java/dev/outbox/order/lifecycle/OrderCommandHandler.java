package dev.outbox.order.lifecycle;

import dev.outbox.order.lifecycle.OrderCommand.CancelOrder;
import dev.outbox.order.lifecycle.OrderCommand.ChangeDeliveryAddress;
import dev.outbox.order.lifecycle.OrderCommand.PlaceOrder;
import dev.outbox.order.idempotency.AlreadyHandled;
import dev.outbox.order.idempotency.IdempotentCommands;
import dev.outbox.order.idempotency.IdempotentCommands.Answer;
import dev.outbox.order.outbox.OutboxWriter;
import dev.outbox.order.outbox.OutboxWriter.TraceHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Handles order commands: load the aggregate, let it decide, then in ONE transaction save its new state and write
 * its events to the outbox. A change saved against a version someone else already moved on is refused
 * ({@link ConcurrentOrderChange}), so no update is ever lost. Placing an order goes through the Idempotency-Key
 * protocol ({@link IdempotentCommands}): its answer is stored in the same transaction, the way Debezium's outbox
 * example records a message in its {@code MessageLog} inside the handler's transaction.
 */
@Service
public class OrderCommandHandler {

    private static final Logger log = LoggerFactory.getLogger(OrderCommandHandler.class);

    private final OrderRepository orders;
    private final OutboxWriter outbox;
    private final TransactionalOperator transaction;
    private final IdempotentCommands idempotency;
    private final Order.EventSource events;
    private final MeterRegistry meters;

    public OrderCommandHandler(OrderRepository orders, OutboxWriter outbox, TransactionalOperator transaction,
                               IdempotentCommands idempotency, MeterRegistry meters) {
        this.orders = orders;
        this.outbox = outbox;
        this.transaction = transaction;
        this.idempotency = idempotency;
        this.events = Order.EventSource.system();
        this.meters = meters;
    }

    /**
     * Places an order once per Idempotency-Key ({@code request}; {@link IdempotentCommands.Request#NONE} without one):
     * the order, its event and its {@code answer} commit together, and a replay answers without placing anything.
     */
    public Mono<Answer> place(PlaceOrder command, TraceHeaders trace, IdempotentCommands.Request request,
                              Function<Order, Answer> answer) {
        return place(command, trace, request, answer, false);
    }

    /**
     * {@link #place(PlaceOrder, TraceHeaders, IdempotentCommands.Request, Function)}, or with {@code dryRun} the same
     * work with the transaction rolled back: nothing is stored, no event reaches the binlog (an instance warming up).
     */
    public Mono<Answer> place(PlaceOrder command, TraceHeaders trace, IdempotentCommands.Request request,
                              Function<Order, Answer> answer, boolean dryRun) {
        // timed inside: a key stored already, or by a concurrent request (its insert, the transaction's first write,
        // fails), is outcome "replayed"
        return idempotency.execute(request, firstAnswer -> timed(dryRun ? "place-dry-run" : "place", Mono.defer(() -> {
            var placed = Order.decide(command, events);
            Order order = Order.from(placed);
            Answer placedAnswer = answer.apply(order);
            return firstAnswer.store(placedAnswer)
                    .then(orders.insert(order))
                    .then(outbox.write(order.id(), List.of(placed), Order.FIRST_SEQUENCE, trace))
                    .thenReturn(placedAnswer)
                    .as(work -> dryRun ? rolledBack(work) : transaction.transactional(work))
                    // DEBUG: one line per order is the log's growth and a few per cent of the CPU; the
                    // orders.commands metric counts them and the trace follows each one
                    .doOnSuccess(a -> log.atDebug().addKeyValue("orderId", order.id())
                            .addKeyValue("event", "OrderPlaced").addKeyValue("traceparent", trace.traceparent())
                            .log("order placed"));
        })));
    }

    public Mono<Order> cancel(CancelOrder command, TraceHeaders trace) {
        return timed("cancel", change(command.orderId(), order -> List.of(order.decide(command, events)), trace));
    }

    public Mono<Order> changeDeliveryAddress(ChangeDeliveryAddress command, TraceHeaders trace) {
        return timed("change-delivery-address", change(command.orderId(), order -> order.decide(command, events), trace));
    }

    public Mono<Order> find(UUID id) {
        return orders.findById(id).switchIfEmpty(Mono.error(() -> new OrderNotFound(id)));
    }

    private Mono<Order> change(UUID id, Function<Order, List<SpecificRecord>> decide, TraceHeaders trace) {
        return orders.findById(id)
                .switchIfEmpty(Mono.error(() -> new OrderNotFound(id)))
                .flatMap(current -> {
                    List<SpecificRecord> decided = decide.apply(current);
                    if (decided.isEmpty()) {
                        return Mono.just(current);
                    }
                    Order next = current;
                    for (SpecificRecord event : decided) {
                        next = next.apply(event);
                    }
                    Order changed = next;
                    return orders.update(changed, current.version())
                            .flatMap(saved -> saved
                                    ? outbox.write(id, decided, current.nextSequence(), trace).thenReturn(changed)
                                    : Mono.error(new ConcurrentOrderChange(id, current.version())))
                            .as(transaction::transactional)
                            .doOnSuccess(o -> decided.forEach(e -> log.atInfo().addKeyValue("orderId", id)
                                    .addKeyValue("event", e.getSchema().getName())
                                    .addKeyValue("traceparent", trace.traceparent()).log("order changed")));
                });
    }

    private <T> Mono<T> rolledBack(Mono<T> work) {
        return transaction.execute(tx -> {
            tx.setRollbackOnly();
            return work;
        }).singleOrEmpty();
    }

    /**
     * Latency histogram and outcome count per command: accepted, rejected, conflict, not-found, replayed (a concurrent
     * request with the same Idempotency-Key won; this one is answered as its replay) or error.
     */
    private <T> Mono<T> timed(String command, Mono<T> work) {
        return Mono.defer(() -> {
            Timer.Sample sample = Timer.start(meters);
            return work.doOnEach(signal -> {
                if (signal.isOnComplete() || signal.isOnError()) {
                    String outcome = signal.isOnError() ? outcome(signal.getThrowable()) : "accepted";
                    sample.stop(Timer.builder("orders.commands").description("Order commands by outcome")
                            .tag("command", command).tag("outcome", outcome)
                            .publishPercentileHistogram().register(meters));
                }
            });
        });
    }

    private static String outcome(Throwable error) {
        if (error instanceof OrderRejected) {
            return "rejected";
        }
        if (error instanceof ConcurrentOrderChange) {
            return "conflict";
        }
        if (error instanceof OrderNotFound) {
            return "not-found";
        }
        if (error instanceof AlreadyHandled) {
            return "replayed";
        }
        return "error";
    }
}
