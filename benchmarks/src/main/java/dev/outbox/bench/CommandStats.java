package dev.outbox.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the delivery commands of one soak interval's orders saw. Kept apart from the orders' {@link StepStats}: a
 * command's answer or latency must not change the orders' figures.
 */
final class CommandStats {

    /** First attempt sent → 202, retries included: what a client waits for. */
    final Latency latency = new Latency();
    final LongAdder accepted = new LongAdder();
    /** Attempts answered 503, answered anything else but 202, or not answered; each was retried. */
    final LongAdder refused503 = new LongAdder();
    final LongAdder otherErrors = new LongAdder();
    final LongAdder noAnswer = new LongAdder();
    final AtomicLong flowsStarted = new AtomicLong();
    final AtomicLong flowsEnded = new AtomicLong();
    /** Flows that ended before the delivery was confirmed: a command rejected or out of patience. */
    final LongAdder flowsIncomplete = new LongAdder();

    /** Counts the answers of the flows started for this interval's orders. */
    final DeliveryCommands.Listener listener = new DeliveryCommands.Listener() {
        @Override
        public void answered(DeliveryCommands.Step step, int status) {
            switch (status) {
                case 202 -> { } // counted once accepted, with its latency
                case 503 -> refused503.increment();
                case 0 -> noAnswer.increment();
                default -> otherErrors.increment();
            }
        }

        @Override
        public void accepted(String orderId, DeliveryCommands.Step step, long nanos) {
            accepted.increment();
            latency.recordNanos(nanos);
        }
    };

    /** Call when a flow ends, {@code complete} when all of its commands were accepted. */
    void flowEnded(boolean complete) {
        if (!complete) {
            flowsIncomplete.increment();
        }
        flowsEnded.incrementAndGet();
    }

    boolean flowsRunning() {
        return flowsEnded.get() < flowsStarted.get();
    }
}
