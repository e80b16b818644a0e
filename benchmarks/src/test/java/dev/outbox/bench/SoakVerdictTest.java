package dev.outbox.bench;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The soak's verdict: the last interval against the first (throughput, p99) and the second (the JVMs' RSS). */
class SoakVerdictTest {

    @Test
    void aSteadyRunIsFlat() {
        SoakVerdict v = SoakVerdict.of(List.of(interval(1, 450, 12, 30, 400), interval(2, 450, 13, 31, 420),
                interval(3, 449, 13, 32, 430)));

        assertThat(v.flat()).isTrue();
        assertThat(v.findings()).anyMatch(f -> f.startsWith("throughput: 450 -> 449 accepted/s"));
        assertThat(v.diskBytesPerOrder()).containsEntry("binlog", 900.0);
        assertThat(v.idempotencyBytesPerOrder()).isEqualTo(250.0);
    }

    @Test
    void throughputDownByMoreThanATenthIsNotFlat() {
        SoakVerdict v = SoakVerdict.of(List.of(interval(1, 450, 12, 30, 400), interval(2, 400, 12, 30, 400)));

        assertThat(v.throughputFlat()).isFalse();
        assertThat(v.flat()).isFalse();
        assertThat(v.latencyFlat()).isTrue();
    }

    @Test
    void aP99UpByMoreThanATenthIsNotFlatAndAFasterEndIsNoFailure() {
        assertThat(SoakVerdict.of(List.of(interval(1, 450, 12, 30, 400), interval(2, 450, 13.3, 30, 400))).latencyFlat())
                .as("POST p99 +11 %").isFalse();
        assertThat(SoakVerdict.of(List.of(interval(1, 450, 12, 30, 400), interval(2, 450, 12, 33.3, 400))).latencyFlat())
                .as("accepted -> visible p99 +11 %").isFalse();
        assertThat(SoakVerdict.of(List.of(interval(1, 450, 12, 30, 400), interval(2, 450, 6, 15, 400))).latencyFlat())
                .as("twice as fast").isTrue();
    }

    @Test
    void rssIsJudgedFromTheSecondIntervalTheFirstHoldingTheWarmUp() {
        // 300 -> 400 MiB during the first interval is the heap growing to its working size; then 400 -> 430
        assertThat(SoakVerdict.of(List.of(interval(1, 450, 12, 30, 300), interval(2, 450, 12, 30, 400),
                interval(3, 450, 12, 30, 430))).rssFlat()).isTrue();
        assertThat(SoakVerdict.of(List.of(interval(1, 450, 12, 30, 300), interval(2, 450, 12, 30, 400),
                interval(3, 450, 12, 30, 441))).rssFlat()).isFalse();
    }

    @Test
    void mariaDbsRssIsShownNotJudged() {
        SoakInterval second = interval(2, 450, 12, 30, 400);
        SoakInterval last = interval(3, 450, 12, 30, 400);
        second.rssMiB().put("mariadb", 150.0);
        last.rssMiB().put("mariadb", 300.0);

        SoakVerdict v = SoakVerdict.of(List.of(interval(1, 450, 12, 30, 400), second, last));

        assertThat(v.rssFlat()).isTrue();
        assertThat(v.findings()).anyMatch(f -> f.startsWith("RSS of mariadb: 150 -> 300 MiB") && f.contains("not judged"));
    }

    @Test
    void withoutTheStacksProcessesRssIsUnknownNotFlat() {
        SoakInterval remote = interval(1, 450, 12, 30, 400);
        remote.rssMiB().clear();

        SoakVerdict v = SoakVerdict.of(List.of(remote, remote));

        assertThat(v.rssFlat()).isFalse();
        assertThat(v.findings()).anyMatch(f -> f.startsWith("RSS: no JVM of the stack was metered"));
    }

    @Test
    void aRunWithNoIntervalIsNotFlat() {
        assertThat(SoakVerdict.of(List.of()).flat()).isFalse();
    }

    @Test
    void countsTheRunsErrorsInItsFindings() {
        SoakInterval first = interval(1, 450, 12, 30, 400);
        SoakInterval last = new SoakInterval(2, 300, 300, new SoakInterval.Orders(135_000, 134_990, 450, 7, 2, 1,
                percentiles(12), percentiles(30), percentiles(60), 4, 0, percentiles(0.1)),
                new SoakInterval.Commands(40_000, percentiles(130), 0, 0, 0, 13_499, 3), first.rssMiB(), Map.of(), 2,
                first.disk(), 5);

        SoakVerdict v = SoakVerdict.of(List.of(first, last));

        assertThat(v.findings()).anyMatch(f -> f.contains("7 refused (503), 2 other errors, 1 unanswered, 4 accepted"
                + " and not on delivery.status, 3 delivery command flows incomplete"));
    }

    /** An interval with the given throughput, POST p99, accepted -> view p99 and RSS of every JVM of the stack. */
    private static SoakInterval interval(int index, double perSecond, double postP99, double viewP99, double jvmRss) {
        Map<String, Double> rss = new LinkedHashMap<>();
        SoakVerdict.JVMS.forEach(p -> rss.put(p, jvmRss));
        SoakInterval.Disk disk = new SoakInterval.Disk(index * 135_000L, Map.of("binlog", 1L), Map.of("binlog", 900.0),
                index * 135_000L, 1, 250.0);
        return new SoakInterval(index, (index - 1) * 300.0, 300, new SoakInterval.Orders(135_000, 135_000, perSecond,
                0, 0, 0, percentiles(postP99), percentiles(viewP99), percentiles(60), 0, 0, percentiles(0.1)),
                new SoakInterval.Commands(40_500, percentiles(130), 0, 0, 0, 13_500, 0), rss, Map.of(), 2, disk, 5);
    }

    private static Latency.Percentiles percentiles(double p99) {
        return new Latency.Percentiles(1000, p99 / 3, p99 / 2, p99, p99 * 1.5, p99 * 2);
    }
}
