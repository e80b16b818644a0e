package dev.outbox.bench.faults;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reads known orders through the delivery instance that is never killed, one every 50 ms round robin, for as long
 * as a fault lasts: a client's view of whether every key stays answerable (from the owner, a standby, or the new
 * owner) while the other instance dies and comes back.
 */
final class SurvivorProbe {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String deliveryUrl;
    private final List<String> orderIds;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final LongAdder total = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final Thread thread = new Thread(this::loop, "faults-survivor-probe");

    /** Why reads failed (status and problem detail) → how often; and when the first of each came, in s. */
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final Map<String, Double> firstFailure = new ConcurrentHashMap<>();
    private final long t0 = System.nanoTime();

    SurvivorProbe(String deliveryUrl, List<String> orderIds) {
        this.deliveryUrl = deliveryUrl;
        this.orderIds = orderIds;
        thread.setDaemon(true);
    }

    void start() {
        if (!orderIds.isEmpty()) {
            thread.start();
        }
    }

    private void loop() {
        for (int i = 0; running.get(); i++) {
            String id = orderIds.get(i % orderIds.size());
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(deliveryUrl + "/deliveries/" + id))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                total.increment();
                if (response.statusCode() != 200) {
                    failed.increment();
                    String detail = response.body().replaceAll(".*\"detail\"\\s*:\\s*\"([^\"]*)\".*", "$1")
                            .replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "<id>");
                    recordFailure(response.statusCode() + " " + detail);
                }
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                total.increment();
                failed.increment();
                recordFailure("no answer " + e.getClass().getSimpleName());
            }
        }
    }

    void stop() throws InterruptedException {
        running.set(false);
        thread.join(15_000);
    }

    private void recordFailure(String why) {
        failures.computeIfAbsent(why, k -> new LongAdder()).increment();
        firstFailure.putIfAbsent(why, (System.nanoTime() - t0) / 1e9);
    }

    /** Each reason a read failed, with its count and when it first came. */
    Map<String, String> failures() {
        Map<String, String> summary = new java.util.TreeMap<>();
        failures.forEach((why, count) -> summary.put(why,
                String.format("%d (first at %.1f s)", count.sum(), firstFailure.get(why))));
        return summary;
    }

    long total() {
        return total.sum();
    }

    long failed() {
        return failed.sum();
    }
}
