package dev.outbox.delivery.board;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * End-to-end latencies of the last {@code windowSeconds}, in fixed buckets: one slot of bucket counts per second,
 * reused in a ring, so recording is a few array writes and old seconds fall out without a sweep.
 */
public final class LatencyHistogram {

    /** Upper bounds (exclusive, ms) of the buckets; a last bucket takes everything above. */
    static final long[] BOUNDS = {10, 20, 50, 100, 200, 500, 1000, 2000, 5000};

    /** One bucket: latencies in [{@code fromMs}, {@code toMs}) ({@code toMs} null: no upper bound). */
    public record Bucket(long fromMs, Long toMs, long count) {
    }

    /**
     * @param p50Ms upper bound of the bucket holding the median (null without samples, or when it is the open one)
     * @param p99Ms the same for the 99th percentile
     */
    public record Snapshot(int windowSeconds, long count, List<Bucket> buckets, Long p50Ms, Long p99Ms, long maxMs) {
    }

    private final int windowSeconds;
    private final long[][] slots;
    private final long[] slotSecond;
    private final long[] slotMax;

    public LatencyHistogram(int windowSeconds) {
        this.windowSeconds = windowSeconds;
        this.slots = new long[windowSeconds][BOUNDS.length + 1];
        this.slotSecond = new long[windowSeconds];
        this.slotMax = new long[windowSeconds];
        Arrays.fill(slotSecond, Long.MIN_VALUE);
    }

    public synchronized void record(long latencyMs, long nowMs) {
        long second = Math.floorDiv(nowMs, 1000);
        int slot = (int) Math.floorMod(second, windowSeconds);
        if (slotSecond[slot] != second) {
            Arrays.fill(slots[slot], 0);
            slotSecond[slot] = second;
            slotMax[slot] = 0;
        }
        long latency = Math.max(0, latencyMs);
        slots[slot][bucketOf(latency)]++;
        slotMax[slot] = Math.max(slotMax[slot], latency);
    }

    public synchronized Snapshot snapshot(long nowMs) {
        long second = Math.floorDiv(nowMs, 1000);
        long[] counts = new long[BOUNDS.length + 1];
        long max = 0;
        for (int slot = 0; slot < windowSeconds; slot++) {
            if (slotSecond[slot] > second - windowSeconds && slotSecond[slot] <= second) {
                for (int b = 0; b < counts.length; b++) {
                    counts[b] += slots[slot][b];
                }
                max = Math.max(max, slotMax[slot]);
            }
        }
        long total = Arrays.stream(counts).sum();
        List<Bucket> buckets = new ArrayList<>();
        for (int b = 0; b < counts.length; b++) {
            buckets.add(new Bucket(b == 0 ? 0 : BOUNDS[b - 1], b < BOUNDS.length ? BOUNDS[b] : null, counts[b]));
        }
        return new Snapshot(windowSeconds, total, buckets, percentile(counts, total, 0.50),
                percentile(counts, total, 0.99), max);
    }

    private static Long percentile(long[] counts, long total, double quantile) {
        if (total == 0) {
            return null;
        }
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int b = 0; b < counts.length; b++) {
            seen += counts[b];
            if (seen >= rank) {
                return b < BOUNDS.length ? BOUNDS[b] : null;
            }
        }
        return null;
    }

    private static int bucketOf(long latencyMs) {
        for (int b = 0; b < BOUNDS.length; b++) {
            if (latencyMs < BOUNDS[b]) {
                return b;
            }
        }
        return BOUNDS.length;
    }
}
