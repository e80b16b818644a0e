package dev.outbox.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes a soak's results: JSON (everything), Markdown (a row per interval, the processes' RSS and CPU, the disks,
 * the verdict) and PNG ({@link SoakPlot}); and the line each interval prints as the soak goes.
 */
final class SoakReport {

    private static final double MIB = 1024 * 1024;

    private SoakReport() {
    }

    /** Writes {@code soak-<timestamp>.json}, {@code .md} and {@code .png} into {@code dir}; returns the JSON's path. */
    static Path write(SoakResults results, Path dir) throws IOException {
        Files.createDirectories(dir);
        String base = "soak-" + results.startedAt().replace(":", "").replace("-", "");
        Path json = dir.resolve(base + ".json");
        Path png = dir.resolve(base + ".png");
        ResultsJson.write(json, results);
        String markdown = markdown(results, png.getFileName().toString());
        Files.writeString(dir.resolve(base + ".md"), markdown);
        SoakPlot.write(results, png);
        System.out.println();
        System.out.println(markdown);
        return json;
    }

    /** One interval in a line: what the soak prints as it goes. */
    static String line(SoakInterval i) {
        SoakInterval.Orders o = i.orders();
        StringBuilder line = new StringBuilder(String.format(
                "[soak %d, %s min] %s accepted/s, 503 %d, errors %d, no answer %d; POST p50/p99 %s / %s ms;"
                        + " accepted -> visible p50/p99 %s / %s ms; commands p50/p99 %s / %s ms; lag %d; CPU %s ms/order;"
                        + " RSS MiB",
                i.index(), Report.num(i.endMinutes()), Report.num(o.acceptedPerSecond()), o.refused503(), o.otherErrors(),
                o.noAnswer(), Report.p(o.post(), Latency.Percentiles::p50), Report.p(o.post(), Latency.Percentiles::p99),
                Report.p(o.visible(), Latency.Percentiles::p50), Report.p(o.visible(), Latency.Percentiles::p99),
                Report.p(i.commands().latency(), Latency.Percentiles::p50),
                Report.p(i.commands().latency(), Latency.Percentiles::p99), i.lag(), Report.num(i.cpuMsPerOrderTotal())));
        i.rssMiB().forEach((process, mib) -> line.append(' ').append(process).append(' ').append(Report.num(mib)));
        line.append("; disk B/order");
        i.disk().bytesPerOrder().forEach((component, b) -> line.append(' ').append(component).append(' ').append(Report.num(b)));
        line.append("; idempotency table ~").append(i.disk().idempotencyRows()).append(" rows, ")
                .append(mib(i.disk().idempotencyBytes())).append(" MiB");
        return line.toString();
    }

    static String markdown(SoakResults r, String plotFile) {
        List<SoakInterval> intervals = r.intervals();
        StringBuilder md = new StringBuilder();
        md.append("# Soak, ").append(r.startedAt()).append("\n\n");
        md.append("Machine: ").append(r.machine().cores()).append(" cores, ").append(r.machine().memoryGiB())
                .append(" GiB, ").append(r.machine().cpu()).append(", ").append(r.machine().java())
                .append(". Whole stack and load generator on this one machine.\n\n");
        md.append("Command: `").append(r.command()).append("`\n\n");
        md.append("Open loop at **").append(LoadBenchmark.fmt(r.rate())).append(" orders/s** (").append(r.rateFrom())
                .append(") for ").append(Report.num(r.durationSeconds() / 60)).append(" min, a row every ")
                .append(Report.num(r.intervalSeconds() / 60)).append(" min; an Idempotency-Key on every POST /orders and"
                        + " delivery command; ")
                .append(r.commandEvery() > 0 ? "one accepted order in " + r.commandEvery()
                        + " taken through courier, pickup and delivery." : "no delivery commands.")
                .append(" Disk measured in `").append(r.stateDir()).append("`.\n\n");

        SoakVerdict v = r.verdict();
        md.append("## Verdict: ").append(v.flat() ? "flat" : "**not flat**").append("\n\n");
        v.findings().forEach(f -> md.append("- ").append(f).append('\n'));
        md.append("- disk per order (growth since the start / orders accepted since the start):");
        v.diskBytesPerOrder().forEach((component, b) -> md.append(' ').append(component).append(' ')
                .append(Report.num(b)).append(" B,"));
        md.append(" idempotency table ").append(Report.num(v.idempotencyBytesPerOrder())).append(" B\n\n");
        md.append("Flat: the last interval's throughput at least 90 % of the first's; its POST p99 and accepted ->"
                + " visible p99 at most 110 % of the first's; each JVM's RSS (broker, Connect, registry, order-api,"
                + " delivery-streams) at the end of the last interval at most 110 % of its RSS at the end of the second"
                + " (the JVMs may still settle in the first). MariaDB's RSS is shown, not judged: its buffer pool fills up to its"
                + " configured size as the tables grow.\n\n");

        md.append("## Intervals\n\n");
        md.append("| # | min | accepted/s | 503 | other errors | no answer | POST p50 / p99 ms | accepted -> view p50 / p99 ms"
                + " | -> delivery.status p50 / p99 ms | commands p50 / p99 ms | lag | CPU ms/order | idempotency rows / MiB |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (SoakInterval i : intervals) {
            SoakInterval.Orders o = i.orders();
            md.append("| ").append(i.index()).append(" | ").append(Report.num(i.endMinutes())).append(" | ")
                    .append(Report.num(o.acceptedPerSecond())).append(" | ").append(o.refused503()).append(" | ")
                    .append(o.otherErrors()).append(" | ").append(o.noAnswer()).append(" | ")
                    .append(pair(o.post())).append(" | ").append(pair(o.acceptedToView())).append(" | ")
                    .append(pair(o.acceptedToStatusTopic())).append(" | ").append(pair(i.commands().latency()))
                    .append(" | ").append(i.lag()).append(" | ").append(Report.num(i.cpuMsPerOrderTotal())).append(" | ")
                    .append(i.disk().idempotencyRows()).append(" / ").append(mib(i.disk().idempotencyBytes()))
                    .append(" |\n");
        }
        md.append('\n');

        List<String> processes = List.copyOf(r.pids().keySet());
        md.append("## RSS (MiB) at the end of each interval\n\n");
        md.append(table(intervals, processes, SoakInterval::rssMiB));
        md.append("## CPU per order (ms) by process\n\n");
        md.append(table(intervals, processes, SoakInterval::cpuMsPerOrder));
        md.append("## Disk (MiB) at the end of each interval, and bytes per order since the start\n\n");
        md.append("| # | min |");
        DiskUsage.COMPONENTS.forEach(c -> md.append(' ').append(c).append(" |"));
        md.append("\n|---:|---:|");
        DiskUsage.COMPONENTS.forEach(c -> md.append("---:|"));
        md.append('\n');
        for (SoakInterval i : intervals) {
            md.append("| ").append(i.index()).append(" | ").append(Report.num(i.endMinutes())).append(" |");
            for (String c : DiskUsage.COMPONENTS) {
                md.append(' ').append(mib(i.disk().bytes().getOrDefault(c, -1L))).append(" (")
                        .append(Report.num(i.disk().bytesPerOrder().get(c))).append(" B) |");
            }
            md.append('\n');
        }
        md.append('\n');
        md.append("![throughput, p99 latencies, RSS and disk over time](").append(plotFile).append(")\n\n");
        md.append("Open loop: each order is sent when due at the fixed rate, whatever earlier ones did, and its latency"
                + " counts from the due time; an interval's figures are those of the orders due in it, however late"
                + " they were answered or projected. Accepted -> view is sampled (GET /deliveries/{id} until 200);"
                + " -> delivery.status is every order's first record there (read_committed). Command latency: first"
                + " attempt -> 202, retries included. Disk: blocks allocated (du), the orders database's files, the"
                + " binlog, the brokers' log dirs, the Streams state dirs, the logs; idempotency rows and bytes are"
                + " InnoDB's statistics (information_schema.tables).\n");
        return md.toString();
    }

    /** A table of one figure by process, a row per interval. */
    private static String table(List<SoakInterval> intervals, List<String> processes,
                                Function<SoakInterval, Map<String, Double>> figures) {
        StringBuilder md = new StringBuilder("| # | min |");
        processes.forEach(p -> md.append(' ').append(p).append(" |"));
        md.append("\n|---:|---:|");
        processes.forEach(p -> md.append("---:|"));
        md.append('\n');
        for (SoakInterval i : intervals) {
            md.append("| ").append(i.index()).append(" | ").append(Report.num(i.endMinutes())).append(" |");
            processes.forEach(p -> md.append(' ').append(Report.num(figures.apply(i).get(p))).append(" |"));
            md.append('\n');
        }
        return md.append('\n').toString();
    }

    private static String pair(Latency.Percentiles p) {
        return Report.p(p, Latency.Percentiles::p50) + " / " + Report.p(p, Latency.Percentiles::p99);
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "-" : Report.num(bytes / MIB);
    }
}
