package dev.outbox.bench;

import dev.outbox.stack.StackSettings;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The delivery board with many orders in the store: {@code ./stack bench-board [--orders=100000] [--fill-rate=300]
 * [--samples=50] [--results=benchmarks/results]}.
 *
 * <ol>
 *   <li>tops the store up to {@code --orders} deliveries through the order API (paced, at most 64 in flight);</li>
 *   <li><b>first load</b>: the requests the page makes before its first paint, in the browser's order — the HTML,
 *   then its CSS and script, then the counts and the six columns' first pages — timed to the last answer, 30 times
 *   (rendering in the browser is not included: it draws 120 cards at most);</li>
 *   <li><b>change → open page</b>: with {@code /board/events} open, a courier is assigned to {@code --samples}
 *   deliveries one after another, each timed from sending the command to its {@code change} event on the stream.</li>
 *   <li><b>in the browser</b> ({@link BoardInBrowser}): the same two, as a person sees them in chromium — the board
 *   loaded 31 times (the first cold) and timed to the frame in which every column is filled, and changes timed from
 *   the command to the card put into its new column on an open page.</li>
 * </ol>
 * Writes {@code board-<timestamp>.json} and prints the figures. One class for one run of the board's measurements,
 * in the order they happen (fill, over HTTP, in the browser); the browser's side is {@link BoardInBrowser}.
 */
public final class BoardBenchmark {

    private static final String[] STATUSES = {"AWAITING_COURIER", "COURIER_ASSIGNED", "IN_TRANSIT", "DELIVERED",
            "CANCELLED", "FAILED"};
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String deliveryUrl;
    private final String orderApiUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private BoardBenchmark(String deliveryUrl, String orderApiUrl) {
        this.deliveryUrl = deliveryUrl;
        this.orderApiUrl = orderApiUrl;
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(System.getProperty("stack.home", ".")).toAbsolutePath().normalize();
        StackSettings stack = StackSettings.fromEnvironment(home);
        Map<String, String> options = new LinkedHashMap<>(Map.of("orders", "100000", "fill-rate", "300",
                "samples", "50", "delivery", stack.deliveryUrl(), "order-api", stack.orderApiUrl(),
                "results", home.resolve("benchmarks/results").toString()));
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String name = arg.startsWith("--") && eq > 2 ? arg.substring(2, eq) : null;
            if (name == null || !options.containsKey(name)) {
                System.err.println("usage: ./stack bench-board [--" + String.join("=... --", options.keySet()) + "=...]");
                System.exit(2);
            }
            options.put(name, arg.substring(eq + 1));
        }
        BoardBenchmark bench = new BoardBenchmark(options.get("delivery"), options.get("order-api"));
        long wanted = Long.parseLong(options.get("orders"));
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("measuredAt", Instant.now().toString());
        results.put("cores", Runtime.getRuntime().availableProcessors());
        results.put("ordersInStore", bench.fill(wanted, Double.parseDouble(options.get("fill-rate"))));
        results.put("firstLoadMs", bench.firstLoad(30));
        results.put("changeToPageMs", bench.changeToPage(Integer.parseInt(options.get("samples"))));
        try (BoardInBrowser browser = BoardInBrowser.open(options.get("delivery"))) {
            System.out.println("the board in chromium: first paint with every column filled, then changes on an open page");
            results.put("browserFirstPaint", browser.firstPaint(31));
            results.put("browserChangeToPageMs", bench.changeToPageInBrowser(browser,
                    Integer.parseInt(options.get("samples"))));
        }
        Path dir = Path.of(options.get("results"));
        Files.createDirectories(dir);
        Path file = dir.resolve("board-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(ZoneOffset.UTC).format(Instant.now()) + ".json");
        ResultsJson.write(file, results);
        System.out.println(ResultsJson.text(results));
        System.out.println("results: " + file);
    }

    /** Places orders until the store holds {@code wanted} deliveries; returns how many it holds. */
    private long fill(long wanted, double rate) throws Exception {
        long have = total();
        long missing = wanted - have;
        System.out.printf("store holds %d deliveries; placing %d orders at %.0f/s%n", have, Math.max(0, missing), rate);
        Semaphore inFlight = new Semaphore(64);
        AtomicLong refused = new AtomicLong();
        long start = System.nanoTime();
        for (long i = 0; i < missing; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            inFlight.acquire();
            String body = """
                    {"customerId": "bench-board-%d", "lines": [{"sku": "BOOK-0001", "quantity": 1}],
                     "deliveryAddress": {"recipient": "Ada", "street": "1 Main St", "city": "London",
                                         "postalCode": "N1", "country": "GB"}}""".formatted(i);
            http.sendAsync(HttpRequest.newBuilder(URI.create(orderApiUrl + "/orders"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> {
                        if (e != null || r.statusCode() != 201) {
                            refused.incrementAndGet();
                        }
                        inFlight.release();
                    });
            if (i > 0 && i % 10_000 == 0) {
                System.out.printf("  %d placed (%d not accepted)%n", i, refused.get());
            }
        }
        inFlight.acquire(64);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while ((have = total()) < wanted - refused.get() && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }
        System.out.printf("store holds %d deliveries (%d orders not accepted)%n", have, refused.get());
        return have;
    }

    private long total() throws Exception {
        JsonNode counts = JSON.readTree(get("/deliveries/counts").body()).get("byStatus");
        long total = 0;
        for (JsonNode n : counts) {
            total += n.asLong();
        }
        return total;
    }

    private Map<String, Object> firstLoad(int runs) throws Exception {
        Histogram histogram = new Histogram(3);
        for (int run = 0; run < runs; run++) {
            long t0 = System.nanoTime();
            require(get("/"));
            all(List.of("/board.css", "/board.js"));
            List<String> data = new ArrayList<>(List.of("/deliveries/counts"));
            for (String status : STATUSES) {
                data.add("/deliveries?status=" + status + "&limit=20");
            }
            all(data);
            histogram.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
        }
        return summary(histogram);
    }

    private Map<String, Object> changeToPage(int samples) throws Exception {
        JsonNode page = JSON.readTree(get("/deliveries?status=AWAITING_COURIER&limit=" + samples).body());
        Map<String, CompletableFuture<Long>> arrivals = new ConcurrentHashMap<>();
        page.get("items").forEach(d -> arrivals.put(d.get("orderId").asString(), new CompletableFuture<>()));
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(deliveryUrl + "/board/events"))
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = new Thread(() -> readChanges(stream.body(), arrivals), "board-events");
        reader.setDaemon(true);
        reader.start();
        Thread.sleep(1000); // connected and past its first events
        Histogram histogram = new Histogram(3);
        for (String orderId : arrivals.keySet()) {
            long t0 = System.nanoTime();
            assignCourier(orderId);
            long arrived = arrivals.get(orderId).get(10, TimeUnit.SECONDS);
            histogram.recordValue(Math.max(1, (arrived - t0) / 1000));
            Thread.sleep(100);
        }
        stream.body().close();
        return summary(histogram);
    }

    /** As {@link #changeToPage}, timed to the card being moved on a page open in the browser. */
    private Map<String, Object> changeToPageInBrowser(BoardInBrowser browser, int samples) throws Exception {
        browser.openLive();
        Thread.sleep(1000); // past its first load
        JsonNode page = JSON.readTree(get("/deliveries?status=AWAITING_COURIER&limit=" + samples).body());
        Histogram histogram = new Histogram(3);
        for (JsonNode delivery : page.get("items")) {
            String orderId = delivery.get("orderId").asString();
            long sent = System.currentTimeMillis();
            assignCourier(orderId);
            long moved = browser.movedToCourierAssigned(orderId);
            histogram.recordValue(Math.max(1, (moved - sent) * 1000));
            Thread.sleep(100);
        }
        return summary(histogram);
    }

    private void assignCourier(String orderId) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(deliveryUrl + "/deliveries/"
                        + orderId + "/courier")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"courierId\": \"bench\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 202) {
            throw new IllegalStateException("assigning a courier to " + orderId + ": " + answer.statusCode()
                    + " " + answer.body());
        }
    }

    private static void readChanges(InputStream body, Map<String, CompletableFuture<Long>> arrivals) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String event = null;
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("data:") && "change".equals(event)) {
                    long now = System.nanoTime();
                    JsonNode change = JSON.readTree(line.substring(5));
                    CompletableFuture<Long> waiting = arrivals.get(change.get("orderId").asString());
                    if (waiting != null && "COURIER_ASSIGNED".equals(change.get("to").asString())) {
                        waiting.complete(now);
                    }
                } else if (line.isEmpty()) {
                    event = null;
                }
            }
        } catch (Exception e) {
            // the stream is closed at the end
        }
    }

    private void all(List<String> paths) {
        CompletableFuture.allOf(paths.stream().map(p -> http.sendAsync(request(p), HttpResponse.BodyHandlers.ofString())
                .thenAccept(BoardBenchmark::require)).toArray(CompletableFuture[]::new)).join();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create(deliveryUrl + path)).timeout(Duration.ofSeconds(10)).build();
    }

    private static void require(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException(response.uri() + " answered " + response.statusCode());
        }
    }

    static Map<String, Object> summary(Histogram h) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("count", h.getTotalCount());
        s.put("p50", h.getValueAtPercentile(50) / 1000.0);
        s.put("p99", h.getValueAtPercentile(99) / 1000.0);
        s.put("max", h.getMaxValue() / 1000.0);
        return s;
    }
}
