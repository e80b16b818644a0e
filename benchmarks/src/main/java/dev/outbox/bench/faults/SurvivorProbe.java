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

    /** Why reads failed: status and problem detail → count, with the seconds into the phase of the first one. */
    private final Map<String, String> failures = new ConcurrentHashMap<>();
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
                    failures.merge(response.statusCode() + " " + detail,
                            String.format("1 (first at %.1f s)", (System.nanoTime() - t0) / 1e9),
                            (a, b) -> (Long.parseLong(a.substring(0, a.indexOf(' '))) + 1) + a.substring(a.indexOf(' ')));
                }
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                total.increment();
                failed.increment();
                failures.merge("no answer " + e.getClass().getSimpleName(), "1", (a, b) -> Long.toString(Long.parseLong(a.split(" ")[0]) + 1));
            }
        }
    }

    void stop() throws InterruptedException {
        running.set(false);
        thread.join(15_000);
    }

    Map<String, String> failures() {
        return Map.copyOf(failures);
    }

    long total() {
        return total.sum();
    }

    long failed() {
        return failed.sum();
    }
}
