package dev.outbox.bench;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

/** A latency histogram in microseconds (up to 5 minutes, 3 significant digits), safe to record from any thread. */
final class Latency {

    private final Histogram histogram = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(5), 3);

    void recordNanos(long nanos) {
        histogram.recordValue(Math.min(Math.max(0, nanos / 1_000), histogram.getHighestTrackableValue()));
    }

    long count() {
        return histogram.getTotalCount();
    }

    /** The summary that goes into the results: count and percentiles in milliseconds (null when nothing was seen). */
    Percentiles summary() {
        if (histogram.getTotalCount() == 0) {
            return null;
        }
        return new Percentiles(histogram.getTotalCount(), ms(histogram.getValueAtPercentile(50)),
                ms(histogram.getValueAtPercentile(90)), ms(histogram.getValueAtPercentile(99)),
                ms(histogram.getValueAtPercentile(99.9)), ms(histogram.getMaxValue()));
    }

    private static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }

    /** Latency percentiles in milliseconds. */
    record Percentiles(long count, double p50, double p90, double p99, double p999, double max) {
    }
}
