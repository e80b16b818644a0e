package dev.outbox.delivery.board;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    private final LatencyHistogram histogram = new LatencyHistogram(60);
    private static final long NOW = 1_700_000_000_000L;

    @Test
    void latenciesFallIntoTheirBucketsAndThePercentilesNameTheBucketsUpperBound() {
        for (int i = 0; i < 98; i++) {
            histogram.record(15, NOW);
        }
        histogram.record(150, NOW);
        histogram.record(7000, NOW);

        LatencyHistogram.Snapshot s = histogram.snapshot(NOW);
        assertThat(s.count()).isEqualTo(100);
        assertThat(s.buckets().get(1)).isEqualTo(new LatencyHistogram.Bucket(10, 20L, 98));
        assertThat(s.buckets().get(4).count()).isEqualTo(1);
        assertThat(s.buckets().get(s.buckets().size() - 1)).isEqualTo(new LatencyHistogram.Bucket(5000, null, 1));
        assertThat(s.p50Ms()).isEqualTo(20);
        assertThat(s.p99Ms()).isEqualTo(200);
        assertThat(s.maxMs()).isEqualTo(7000);
    }

    @Test
    void secondsOlderThanTheWindowFallOut() {
        histogram.record(15, NOW);
        histogram.record(30, NOW + 59_000);

        assertThat(histogram.snapshot(NOW + 59_000).count()).isEqualTo(2);
        assertThat(histogram.snapshot(NOW + 60_000).count()).isEqualTo(1);
        histogram.record(40, NOW + 60_000); // reuses the oldest second's slot
        assertThat(histogram.snapshot(NOW + 60_000).count()).isEqualTo(2);
        assertThat(histogram.snapshot(NOW + 200_000).count()).isZero();
        assertThat(histogram.snapshot(NOW + 200_000).p50Ms()).isNull();
    }
}
