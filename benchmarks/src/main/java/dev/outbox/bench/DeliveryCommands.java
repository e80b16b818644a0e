package dev.outbox.bench;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Takes a projected order through its delivery on delivery-streams, as a client would: assign a courier, confirm the
 * pickup, confirm the delivery, each once the one before was accepted. Every command carries an
 * {@code Idempotency-Key} and is retried under the same key until it is decided (the contract the delivery API offers
 * for exactly this: a retry after a 504 or a lost connection is decided at most once), or until the deadline.
 * Shared by the fault harness and the soak, which count the answers differently.
 */
public final class DeliveryCommands {

    private static final long RETRY_AFTER_MILLIS = 250;

    /** The commands in the order they are sent, with the status each leaves the delivery in. */
    public enum Step {
        COURIER("courier", "COURIER_ASSIGNED"),
        PICKUP("pickup", "IN_TRANSIT"),
        DELIVERY("delivery", "DELIVERED");

        public final String path;
        public final String statusAfter;

        Step(String path, String statusAfter) {
            this.path = path;
            this.statusAfter = statusAfter;
        }
    }

    /** What the caller hears: every attempt's answer, and each command once accepted. Both run on HTTP threads. */
    public interface Listener {

        /** One attempt of {@code step} answered {@code status} (0: no answer). */
        default void answered(Step step, int status) {
        }

        /** {@code step} was accepted, {@code nanos} after its first attempt was sent (retries included). */
        default void accepted(String orderId, Step step, long nanos) {
        }
    }

    private final LoadClient http;
    private final String deliveryUrl;
    private final String keyPrefix;
    private final String receivedBy;
    private final ScheduledExecutorService timer;

    /**
     * @param keyPrefix  the Idempotency-Keys are {@code <keyPrefix>/<order id>/<command>}: one per command, the same
     *                   for its retries
     * @param receivedBy who signs for the delivery
     * @param timer      schedules the retries
     */
    public DeliveryCommands(LoadClient http, String deliveryUrl, String keyPrefix, String receivedBy,
                            ScheduledExecutorService timer) {
        this.http = http;
        this.deliveryUrl = deliveryUrl;
        this.keyPrefix = keyPrefix;
        this.receivedBy = receivedBy;
        this.timer = timer;
    }

    /**
     * Sends the three commands in turn; completes with true once all were accepted, false as soon as one was
     * rejected (409) or ran out of patience ({@code deadlineNanos}, a {@link System#nanoTime()}).
     */
    public CompletableFuture<Boolean> takeThrough(String orderId, long deadlineNanos, Listener listener) {
        return command(orderId, Step.COURIER, deadlineNanos, listener)
                .thenCompose(ok -> ok ? command(orderId, Step.PICKUP, deadlineNanos, listener) : declined())
                .thenCompose(ok -> ok ? command(orderId, Step.DELIVERY, deadlineNanos, listener) : declined());
    }

    private static CompletableFuture<Boolean> declined() {
        return CompletableFuture.completedFuture(false);
    }

    /** One command, retried until decided; the listener hears of it once accepted. */
    private CompletableFuture<Boolean> command(String orderId, Step step, long deadline, Listener listener) {
        long firstSent = System.nanoTime();
        return send(orderId, step, deadline, listener).thenApply(accepted -> {
            if (accepted) {
                listener.accepted(orderId, step, System.nanoTime() - firstSent);
            }
            return accepted;
        });
    }

    /** True once the command is accepted (202); false when rejected or out of patience. */
    private CompletableFuture<Boolean> send(String orderId, Step step, long deadline, Listener listener) {
        String body = switch (step) {
            case COURIER -> "{\"courierId\":\"courier-7\"}";
            case PICKUP -> "{}";
            case DELIVERY -> "{\"receivedBy\":\"" + receivedBy + "\"}";
        };
        String url = deliveryUrl + "/deliveries/" + orderId + "/" + step.path;
        String key = keyPrefix + "/" + orderId + "/" + step.path;
        return http.post(url, body, Map.of("Idempotency-Key", key))
                .handle((answer, error) -> error != null ? 0 : answer.status())
                .thenCompose(status -> {
                    listener.answered(step, status);
                    if (status == 202) {
                        return CompletableFuture.completedFuture(true);
                    }
                    if (status == 409 || System.nanoTime() > deadline) {
                        return CompletableFuture.completedFuture(false);
                    }
                    // 503, 504 (undecided yet: the same key learns the outcome), no answer ...: again, same key
                    CompletableFuture<Boolean> retried = new CompletableFuture<>();
                    timer.schedule(() -> send(orderId, step, deadline, listener).whenComplete((ok, e) -> {
                        if (e != null) {
                            retried.completeExceptionally(e);
                        } else {
                            retried.complete(ok);
                        }
                    }), RETRY_AFTER_MILLIS, TimeUnit.MILLISECONDS);
                    return retried;
                });
    }
}
