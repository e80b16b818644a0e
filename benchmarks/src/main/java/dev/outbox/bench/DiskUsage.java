package dev.outbox.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The disk the local stack's parts use, per component, read from its state directory (see local-stack's
 * {@code MariaDb}, {@code KafkaBroker} and {@code AppEnvironments} for where each part writes):
 * <ul>
 *   <li>{@code mariadb-data}: the {@code orders} database's files, {@code mariadb/data/orders/};</li>
 *   <li>{@code binlog}: {@code mariadb/data/mysql-bin.*};</li>
 *   <li>{@code kafka}: each broker's log dir, {@code kafka*}/data;</li>
 *   <li>{@code streams-state}: each delivery-streams instance's Streams state dir, {@code delivery*}/streams;</li>
 *   <li>{@code logs}: every part's log, {@code logs/}.</li>
 * </ul>
 * Bytes are the blocks allocated, as {@code du} counts them, not the files' lengths: Kafka creates each segment's
 * index files at their full size but sparse, and RocksDB allocates its files ahead of writing them, so lengths
 * say little about the disk either uses.
 */
final class DiskUsage {

    static final List<String> COMPONENTS = List.of("mariadb-data", "binlog", "kafka", "streams-state", "logs");

    private final Path state;

    DiskUsage(Path stateDir) {
        this.state = stateDir;
    }

    /** Each component's paths as they are now: binlog files and broker or instance directories come and go. */
    Map<String, List<Path>> paths() {
        Path mariadb = state.resolve("mariadb/data");
        Map<String, List<Path>> paths = new LinkedHashMap<>();
        paths.put("mariadb-data", existing(List.of(mariadb.resolve("orders"))));
        paths.put("binlog", children(mariadb, f -> f.getFileName().toString().startsWith("mysql-bin."), null));
        paths.put("kafka", children(state, f -> Files.isDirectory(f) && f.getFileName().toString().startsWith("kafka"), "data"));
        paths.put("streams-state", children(state, f -> Files.isDirectory(f) && f.getFileName().toString().startsWith("delivery"), "streams"));
        paths.put("logs", existing(List.of(state.resolve("logs"))));
        return paths;
    }

    /** Bytes allocated by each component now; -1 for one that could not be measured or is not there (not a local stack). */
    Map<String, Long> bytes() {
        Map<String, Long> bytes = new LinkedHashMap<>();
        paths().forEach((component, paths) -> bytes.put(component, paths.isEmpty() ? -1 : allocated(paths)));
        return bytes;
    }

    /**
     * Bytes allocated by {@code paths} and all below them ({@code du -s -c -B1}), 0 for none; -1 if {@code du}
     * failed. Files deleted while
     * {@code du} walks (a Kafka segment, a RocksDB file) make it exit non-zero; its total still counts the rest.
     */
    static long allocated(List<Path> paths) {
        if (paths.isEmpty()) {
            return 0;
        }
        List<String> command = new ArrayList<>(List.of("du", "-s", "-c", "-B1", "--"));
        paths.forEach(p -> command.add(p.toString()));
        try {
            Process du = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out;
            try (InputStream in = du.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            du.waitFor();
            String[] lines = out.strip().split("\n");
            String total = lines[lines.length - 1];
            return total.endsWith("total") ? Long.parseLong(total.split("\\s+")[0]) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Growth since {@code first} divided by {@code orders}, per component, in bytes per order: NaN when no order was
     * accepted or a component could not be measured either time.
     */
    static Map<String, Double> perOrder(Map<String, Long> first, Map<String, Long> now, long orders) {
        Map<String, Double> perOrder = new LinkedHashMap<>();
        now.forEach((component, bytes) -> {
            Long before = first.get(component);
            boolean known = before != null && before >= 0 && bytes >= 0 && orders > 0;
            perOrder.put(component, known ? LoadBenchmark.round((double) (bytes - before) / orders) : Double.NaN);
        });
        return perOrder;
    }

    private static List<Path> existing(List<Path> paths) {
        return paths.stream().filter(Files::exists).toList();
    }

    /** The entries of {@code dir} that {@code match}, or their {@code sub} folder when given. */
    private static List<Path> children(Path dir, Predicate<Path> match, String sub) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return existing(entries.filter(match).sorted().map(p -> sub == null ? p : p.resolve(sub)).toList());
        } catch (IOException e) {
            return List.of();
        }
    }
}
