import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A quick, sequential probe of a running stack (./stack start --detach): places orders one after another and
 * measures, per order, the POST /orders latency and the time from the 201 until GET /deliveries/{id} answers 200
 * (through MariaDB's binlog, Debezium, Kafka and the Streams projection). Not the load benchmark: one client, no
 * target rate.
 *
 *   java benchmarks/QuickLatency.java [orders=500] [orderApiUrl] [deliveryUrl]
 *
 * Prints the figures and appends them to benchmarks/results/quick-latency.txt. The first fifth of the orders warm
 * the JVMs up and are not counted.
 */
public class QuickLatency {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

    public static void main(String[] args) throws Exception {
        int orders = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        String orderApi = args.length > 1 ? args[1] : "http://127.0.0.1:8080";
        String delivery = args.length > 2 ? args[2] : "http://127.0.0.1:8082";
        HttpClient http = HttpClient.newHttpClient();
        String body = """
                {"customerId": "quick-latency", "lines": [{"sku": "BENCH-1", "quantity": 1}],
                 "deliveryAddress": {"recipient": "R", "street": "S", "city": "C", "postalCode": "P", "country": "GB"}}""";
        List<Double> post = new ArrayList<>();
        List<Double> visible = new ArrayList<>();
        int warmup = orders / 5;
        for (int i = 0; i < orders; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> placed = http.send(HttpRequest.newBuilder(URI.create(orderApi + "/orders"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long t1 = System.nanoTime();
            Matcher id = ID.matcher(placed.body());
            if (placed.statusCode() != 201 || !id.find()) {
                throw new IllegalStateException("POST /orders answered " + placed.statusCode() + ": " + placed.body());
            }
            URI view = URI.create(delivery + "/deliveries/" + id.group(1));
            long deadline = t1 + 30_000_000_000L;
            while (http.send(HttpRequest.newBuilder(view).build(), HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(view + " not visible within 30 s");
                }
                Thread.sleep(1);
            }
            long t2 = System.nanoTime();
            if (i >= warmup) {
                post.add((t1 - t0) / 1e6);
                visible.add((t2 - t1) / 1e6);
            }
            if ((i + 1) % 100 == 0) {
                System.out.printf("  %d/%d orders%n", i + 1, orders);
            }
        }
        String line = String.format("%s  n=%d  POST /orders p50 %.1f ms p99 %.1f ms;  accepted -> visible p50 %.1f ms"
                        + " p90 %.1f ms p99 %.1f ms max %.1f ms", Instant.now(), visible.size(), pct(post, 50),
                pct(post, 99), pct(visible, 50), pct(visible, 90), pct(visible, 99), pct(visible, 100));
        System.out.println(line);
        Path results = Path.of("benchmarks/results");
        try {
            Files.createDirectories(results);
            Files.writeString(results.resolve("quick-latency.txt"), line + System.lineSeparator(),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("could not write " + results + ": " + e.getMessage());
        }
    }

    private static double pct(List<Double> values, int percentile) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
