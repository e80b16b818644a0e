package dev.outbox.bench;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Places orders at a fixed arrival rate, open loop: request {@code i} is due at {@code start + i / rate} and is sent
 * then, whether or not earlier ones have answered, and its latency counts from the due time. A server that stalls
 * therefore shows its queueing in the figures instead of slowing the client down (no coordinated omission).
 */
final class OpenLoop {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

    private final LoadClient http;
    private final String orders;
    private final PipelineWatch watch;
    private final boolean idempotencyKeys;
    private final ConcurrentHashMap.KeySetView<CompletableFuture<?>, Boolean> inFlight = ConcurrentHashMap.newKeySet();

    OpenLoop(LoadClient http, String orderApiUrl, PipelineWatch watch, boolean idempotencyKeys) {
        this.http = http;
        this.orders = orderApiUrl + "/orders";
        this.watch = watch;
        this.idempotencyKeys = idempotencyKeys;
    }

    /**
     * Sends at {@code rate} per second for {@code duration}, counting into {@code stats}; every
     * {@code viewSampleEvery}-th order is also followed through GET /deliveries/{id} (0: none).
     */
    void run(double rate, Duration duration, StepStats stats, long viewSampleEvery) {
        run(rate, duration, stats, viewSampleEvery, orderId -> null);
    }

    /**
     * As {@link #run(double, Duration, StepStats, long)}; {@code onStatus} gives, for each accepted order, what to do
     * once it is on delivery.status (null: nothing), run on the watch's consumer thread (or on the HTTP thread that
     * read the 201, when the record came first): it must only start asynchronous work.
     */
    void run(double rate, Duration duration, StepStats stats, long viewSampleEvery, Function<String, Runnable> onStatus) {
        long period = (long) (1e9 / rate);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        for (long i = 0; ; i++) {
            long due = start + i * period;
            if (due >= end) {
                break;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            stats.senderLateness.recordNanos(System.nanoTime() - due);
            long n = stats.sent.incrementAndGet();
            send(due, stats, viewSampleEvery > 0 && n % viewSampleEvery == 0, onStatus);
        }
    }

    /** Waits until every request sent so far has answered or failed. */
    void awaitAnswers(Duration timeout) {
        try {
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // the stragglers are counted as no answer by their own timeout
        }
    }

    int inFlight() {
        return inFlight.size();
    }

    private void send(long due, StepStats stats, boolean probeView, Function<String, Runnable> onStatus) {
        String body = """
                {"customerId":"bench-%d","lines":[{"sku":"BENCH-1","quantity":1}],\
                "deliveryAddress":{"recipient":"Load Test","street":"1 Benchmark Way","city":"London",\
                "postalCode":"N1 9GU","country":"GB"}}""".formatted(due % 1000);
        Map<String, String> headers = idempotencyKeys ? Map.of("Idempotency-Key", UUID.randomUUID().toString()) : Map.of();
        CompletableFuture<LoadClient.Answer> call = http.post(orders, body, headers);
        inFlight.add(call);
        call.whenComplete((response, error) -> {
            inFlight.remove(call);
            long now = System.nanoTime();
            if (error != null) {
                stats.noAnswer.increment();
                return;
            }
            stats.postLatency.recordNanos(now - due);
            int status = response.status();
            if (status == 201) {
                Matcher id = ID.matcher(response.body());
                if (id.find()) {
                    stats.accepted.increment();
                    stats.acceptedLatency.recordNanos(now - due);
                    watch.accepted(id.group(1), now, stats, probeView, onStatus.apply(id.group(1)));
                    return;
                }
            } else if (status == 503) {
                stats.refused.increment();
                stats.refusalLatency.recordNanos(now - due);
                return;
            }
            stats.otherStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
        });
    }
}
