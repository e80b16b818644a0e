package dev.outbox.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Whether a soak ran flat, with the comparisons that say so:
 * <ul>
 *   <li><b>throughput</b>: the last interval's accepted orders per second at least 90 % of the first's;</li>
 *   <li><b>latency</b>: the last interval's POST p99 and accepted → visible p99 at most 110 % of the first's;</li>
 *   <li><b>RSS</b>: each JVM of the stack (broker, Connect, registry, order-api, delivery-streams) at the end of the
 *       last interval at most 110 % of its RSS at the end of the second. Not the first: it holds the JVMs' warm-up
 *       (heaps growing to their working size, compiled code). MariaDB's RSS is shown, not judged: it grows as its
 *       buffer pool fills with the growing tables, up to the pool's configured size, and stops there.</li>
 * </ul>
 * One-sided on purpose: a faster or leaner end is no failure. The disk each component takes per order is part of
 * the verdict's text, to be read against the bounds the README states, not judged here.
 *
 * @param flat     all three hold
 * @param findings one sentence per comparison, and the run's totals of errors and incomplete flows
 */
record SoakVerdict(boolean flat, boolean throughputFlat, boolean latencyFlat, boolean rssFlat, List<String> findings,
                   Map<String, Double> diskBytesPerOrder, double idempotencyBytesPerOrder) {

    static final double TOLERANCE = 0.10;
    /** The stack's JVMs, by their pid file names; the load generator shares the machine but is not the stack. */
    static final List<String> JVMS = ProcessMeter.PARTS.stream()
            .filter(p -> !p.equals("mariadb") && !p.equals("haproxy")).toList();

    static SoakVerdict of(List<SoakInterval> intervals) {
        if (intervals.isEmpty()) {
            return new SoakVerdict(false, false, false, false, List.of("no interval finished"), Map.of(), Double.NaN);
        }
        SoakInterval first = intervals.get(0);
        SoakInterval last = intervals.get(intervals.size() - 1);
        List<String> findings = new ArrayList<>();
        if (intervals.size() == 1) {
            findings.add("one interval only: the first is the last, nothing changed between them");
        }

        double before = first.orders().acceptedPerSecond();
        double after = last.orders().acceptedPerSecond();
        boolean throughput = after >= (1 - TOLERANCE) * before;
        findings.add(String.format("throughput: %s -> %s accepted/s (%s), %s", Report.num(before), Report.num(after),
                change(before, after), throughput ? "not down by more than 10 %" : "down by more than 10 %"));

        boolean latency = latency("POST p99", first, last, SoakInterval.Orders::post, findings)
                & latency("accepted -> visible p99", first, last, SoakInterval.Orders::visible, findings);

        SoakInterval base = intervals.get(Math.min(1, intervals.size() - 1));
        boolean rss = true;
        int compared = 0;
        for (String process : JVMS) {
            Double from = base.rssMiB().get(process);
            Double to = last.rssMiB().get(process);
            if (from == null || to == null || from.isNaN() || to.isNaN()) {
                continue; // not metered: not a local stack part, or it ended
            }
            boolean flat = to <= (1 + TOLERANCE) * from;
            rss &= flat;
            compared++;
            findings.add(String.format("RSS of %s: %s -> %s MiB (%s) from the end of interval %d, %s", process,
                    Report.num(from), Report.num(to), change(from, to), base.index(), flat ? "not up by more than 10 %" : "up by more than 10 %"));
        }
        if (compared == 0) {
            rss = false; // unknown is not flat
            findings.add("RSS: no JVM of the stack was metered (no pid files: not a local stack?)");
        }
        Double dbFrom = base.rssMiB().get("mariadb");
        Double dbTo = last.rssMiB().get("mariadb");
        if (dbFrom != null && dbTo != null) {
            findings.add(String.format("RSS of mariadb: %s -> %s MiB (%s), not judged: its buffer pool fills up to its"
                    + " configured size", Report.num(dbFrom), Report.num(dbTo), change(dbFrom, dbTo)));
        }

        long refused = 0;
        long errors = 0;
        long unanswered = 0;
        long undelivered = 0;
        long incomplete = 0;
        for (SoakInterval i : intervals) {
            refused += i.orders().refused503();
            errors += i.orders().otherErrors();
            unanswered += i.orders().noAnswer();
            undelivered += i.orders().notOnStatusTopic();
            incomplete += i.commands().flowsIncomplete();
        }
        findings.add(String.format("over the run: %d orders accepted, %d refused (503), %d other errors, %d unanswered,"
                        + " %d accepted and not on delivery.status, %d delivery command flows incomplete",
                last.disk().acceptedSinceStart(), refused, errors, unanswered, undelivered, incomplete));
        return new SoakVerdict(throughput && latency && rss, throughput, latency, rss, findings, last.disk().bytesPerOrder(),
                last.disk().idempotencyBytesPerOrder());
    }

    private static boolean latency(String what, SoakInterval first, SoakInterval last,
                                   Function<SoakInterval.Orders, Latency.Percentiles> of, List<String> findings) {
        Latency.Percentiles from = of.apply(first.orders());
        Latency.Percentiles to = of.apply(last.orders());
        if (from == null || to == null) {
            findings.add(what + ": no figure in the " + (from == null ? "first" : "last") + " interval");
            return false;
        }
        boolean flat = to.p99() <= (1 + TOLERANCE) * from.p99();
        findings.add(String.format("%s: %s -> %s ms (%s), %s", what, Report.num(from.p99()), Report.num(to.p99()),
                change(from.p99(), to.p99()), flat ? "not up by more than 10 %" : "up by more than 10 %"));
        return flat;
    }

    private static String change(double from, double to) {
        return from > 0 ? String.format("%+.1f %%", 100 * (to - from) / from) : "-";
    }
}
