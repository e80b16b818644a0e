package dev.outbox.bench;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;

/**
 * The two limits the pipeline is compared with in the same run, so that ratios hold on any machine:
 * <ul>
 *   <li>the raw database transaction the order API performs (order row, one line, outbox insert and delete, commit)
 *       over plain JDBC: the physical limit of the write leg. It writes to {@code bench_*} copies of the tables, which
 *       the connector does not capture, so nothing reaches Kafka;</li>
 *   <li>a trivial endpoint of the same order-api server ({@code /actuator/info}): the cost of HTTP alone.</li>
 * </ul>
 */
final class Baselines {

    /** Closed-loop throughput and latency of one baseline. */
    record Throughput(String what, int concurrency, double seconds, long operations, double perSecond,
                      Latency.Percentiles latency, Map<String, Double> cpuMsPerOperation) {
    }

    private Baselines() {
    }

    static Throughput rawDatabase(BenchmarkOptions options, int connections, Duration duration, ProcessMeter meter)
            throws SQLException, InterruptedException {
        try (Connection setup = DriverManager.getConnection(options.jdbcUrl(), options.dbUser(), options.dbPassword());
             Statement st = setup.createStatement()) {
            for (String table : List.of("customer_order", "order_line", "outbox")) {
                st.execute("CREATE TABLE IF NOT EXISTS bench_" + table + " LIKE " + table);
            }
            st.execute("TRUNCATE TABLE bench_order_line");
            st.execute("TRUNCATE TABLE bench_customer_order");
        }
        Latency latency = new Latency();
        LongAdder done = new LongAdder();
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> workers = new ArrayList<>();
        List<Exception> failures = new ArrayList<>();
        var cpuBefore = meter.cpuSeconds();
        long t0 = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            Thread worker = new Thread(() -> {
                try (Connection db = DriverManager.getConnection(options.jdbcUrl(), options.dbUser(), options.dbPassword())) {
                    db.setAutoCommit(false);
                    transactions(db, end, latency, done);
                } catch (SQLException e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, "raw-db-" + c);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        var cpu = perOperation(ProcessMeter.delta(cpuBefore, meter.cpuSeconds()), done.sum());
        if (!failures.isEmpty()) {
            throw new SQLException("raw database baseline failed: " + failures.get(0).getMessage(), failures.get(0));
        }
        try (Connection cleanup = DriverManager.getConnection(options.jdbcUrl(), options.dbUser(), options.dbPassword());
             Statement st = cleanup.createStatement()) {
            st.execute("TRUNCATE TABLE bench_order_line");
            st.execute("TRUNCATE TABLE bench_customer_order");
        }
        return new Throughput("raw database transaction (JDBC)", connections, seconds, done.sum(),
                done.sum() / seconds, latency.summary(), cpu);
    }

    /** The order API's transaction: the same statements and row sizes (a ~300-byte Avro payload). */
    private static void transactions(Connection db, long end, Latency latency, LongAdder done) throws SQLException {
        byte[] payload = new byte[300];
        try (PreparedStatement order = db.prepareStatement("""
                INSERT INTO bench_customer_order (id, customer_id, status, recipient, street, city, postal_code,
                    country, instructions, cancel_reason, version, placed_at, updated_at)
                VALUES (?, 'bench', 'PLACED', 'Load Test', '1 Benchmark Way', 'London', 'N1 9GU', 'GB', NULL, NULL, 1, ?, ?)""");
             PreparedStatement line = db.prepareStatement(
                     "INSERT INTO bench_order_line (order_id, line_no, sku, quantity) VALUES (?, 1, 'BENCH-1', 1)");
             PreparedStatement outbox = db.prepareStatement("""
                     INSERT INTO bench_outbox (id, aggregatetype, aggregateid, type, payload, schema_id, sequence,
                                         traceparent, tracestate)
                     VALUES (?, 'order', ?, 'OrderPlaced', ?, 1, 1, NULL, NULL)""");
             PreparedStatement delete = db.prepareStatement("DELETE FROM bench_outbox WHERE id = ?")) {
            while (System.nanoTime() < end) {
                long t = System.nanoTime();
                String id = UUID.randomUUID().toString();
                String eventId = UUID.randomUUID().toString();
                Timestamp now = Timestamp.from(Instant.now());
                order.setString(1, id);
                order.setTimestamp(2, now);
                order.setTimestamp(3, now);
                order.executeUpdate();
                line.setString(1, id);
                line.executeUpdate();
                outbox.setString(1, eventId);
                outbox.setString(2, id);
                outbox.setBytes(3, payload);
                outbox.executeUpdate();
                delete.setString(1, eventId);
                delete.executeUpdate();
                db.commit();
                latency.recordNanos(System.nanoTime() - t);
                done.increment();
            }
        }
    }

    /** {@code concurrency} requests kept in flight against a trivial endpoint for {@code duration}. */
    static Throughput trivialEndpoint(LoadClient http, String url, int concurrency, Duration duration,
                                      ProcessMeter meter) throws InterruptedException {
        Latency latency = new Latency();
        LongAdder done = new LongAdder();
        LongAdder failed = new LongAdder();
        Semaphore slots = new Semaphore(concurrency);
        var cpuBefore = meter.cpuSeconds();
        long t0 = System.nanoTime();
        long end = t0 + duration.toNanos();
        while (System.nanoTime() < end) {
            slots.acquire();
            long t = System.nanoTime();
            CompletableFuture<LoadClient.Answer> call = http.get(url);
            call.whenComplete((r, e) -> {
                if (e == null && r.status() == 200) {
                    latency.recordNanos(System.nanoTime() - t);
                    done.increment();
                } else {
                    failed.increment();
                }
                slots.release();
            });
        }
        slots.acquire(concurrency);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (failed.sum() > done.sum()) {
            throw new IllegalStateException(url + " failed " + failed.sum() + " of " + (failed.sum() + done.sum()) + " times");
        }
        return new Throughput("trivial HTTP endpoint of order-api (" + URI.create(url).getPath() + ")", concurrency,
                seconds, done.sum(), done.sum() / seconds, latency.summary(),
                perOperation(ProcessMeter.delta(cpuBefore, meter.cpuSeconds()), done.sum()));
    }

    static Map<String, Double> perOperation(Map<String, Double> cpuSeconds, long operations) {
        Map<String, Double> perOp = new java.util.LinkedHashMap<>();
        cpuSeconds.forEach((name, s) -> perOp.put(name, operations == 0 ? Double.NaN
                : Math.round(s * 1000.0 / operations * 1000.0) / 1000.0));
        return perOp;
    }
}
