package dev.outbox.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes a run's results: JSON (everything), Markdown (the tables, also into the README between its markers), PNG
 * ({@link ResultsPlot}).
 */
final class Report {

    static final String README_BEGIN = "<!-- benchmark:begin (written by ./stack bench --update-readme) -->";
    static final String README_END = "<!-- benchmark:end -->";

    private Report() {
    }

    static Path write(Results results, BenchmarkOptions options) throws IOException {
        Files.createDirectories(options.results());
        String base = results.startedAt().replace(":", "").replace("-", "");
        Path json = options.results().resolve(base + ".json");
        Path md = options.results().resolve(base + ".md");
        Path png = options.results().resolve(base + ".png");
        ResultsJson.write(json, results);
        String markdown = markdown(results, png.getFileName().toString());
        Files.writeString(md, markdown);
        ResultsPlot.write(results, png);
        System.out.println();
        System.out.println(markdown);
        if (options.updateReadme()) {
            // the project's README, whatever --results says; the plot is linked relative to it
            updateReadme(options.home().resolve("README.md"), results, options.home().relativize(png).toString());
            System.out.println("README.md updated from this run");
        }
        return json;
    }

    static String stepLine(Results.Step s) {
        return String.format("%d sent, %d accepted, %d refused, %d errors; POST p50 %s p99 %s ms; accepted -> view"
                        + " p50 %s p99 %s ms; -> delivery.status p50 %s p99 %s ms; CPU %.2f ms/order; %s",
                s.sent(), s.accepted(), s.refused503(), s.errors(), p(s.post(), Latency.Percentiles::p50),
                p(s.post(), Latency.Percentiles::p99), p(s.acceptedToView(), Latency.Percentiles::p50),
                p(s.acceptedToView(), Latency.Percentiles::p99), p(s.acceptedToStatusTopic(), Latency.Percentiles::p50),
                p(s.acceptedToStatusTopic(), Latency.Percentiles::p99), s.cpuMsPerOrderTotal(),
                s.sustainable() ? "sustainable" : "NOT sustainable: " + String.join("; ", s.whyNot()));
    }

    static String markdown(Results r, String plotFile) {
        StringBuilder md = new StringBuilder();
        md.append("# Load benchmark, ").append(r.startedAt()).append("\n\n");
        md.append("Machine: ").append(r.machine().cores()).append(" cores, ").append(r.machine().memoryGiB())
                .append(" GiB, ").append(r.machine().cpu()).append(", ").append(r.machine().java())
                .append(". Whole stack and load generator on this one machine.\n\n");
        md.append("Command: `").append(r.command()).append("`\n\n");
        md.append(summaryTable(r)).append('\n');
        md.append("## Sweep\n\n");
        md.append(sweepTable(r)).append('\n');
        md.append("## CPU per order (ms) and RSS (MiB) by process\n\n");
        List<Results.Step> steps = new ArrayList<>(r.sweep());
        if (r.overload() != null) {
            steps.add(r.overload().step());
        }
        md.append("| step |");
        List<String> names = List.copyOf(r.pids().keySet());
        names.forEach(n -> md.append(' ').append(n).append(" |"));
        md.append(" total (stack) | of it JIT, ms/s |\n|---|");
        names.forEach(n -> md.append("---:|"));
        md.append("---:|---:|\n");
        for (Results.Step s : steps) {
            md.append("| ").append(s.name()).append(" |");
            names.forEach(n -> md.append(' ').append(num(s.cpuMsPerOrder().get(n))).append(" |"));
            md.append(' ').append(num(s.cpuMsPerOrderTotal())).append(" | ").append(num(s.jitCpuMsPerSecond())).append(" |\n");
        }
        md.append("| idle, CPU ms per second |");
        names.forEach(n -> md.append(' ').append(num(r.idleCpuMsPerSecond().get(n))).append(" |"));
        md.append(" ").append(num(r.idleCpuMsPerSecond().entrySet().stream()
                .filter(e -> !e.getKey().equals(ProcessMeter.LOAD_GENERATOR)).mapToDouble(Map.Entry::getValue).sum())).append(" | |\n");
        md.append("| RSS at the end, MiB |");
        names.forEach(n -> md.append(' ').append(num(r.rssMiB().get(n))).append(" |"));
        md.append(' ').append(num(r.totalRssMiB())).append(" | |\n\n");
        md.append("![latency and CPU per order by rate](").append(plotFile).append(")\n\n");
        md.append("Open loop: each request is sent at its due time whatever earlier ones did, and latency counts from"
                + " the due time. Sustainable: no error or refusal, accepted -> visible at GET /deliveries/{id} p99 <= "
                + LoadBenchmark.fmt(LoadBenchmark.E2E_P99_LIMIT_MS) + " ms, every accepted order on delivery.status"
                + " (read_committed) after the step, and the projection's lag on order.events not growing.\n");
        return md.toString();
    }

    /** The headline figures; also what --update-readme puts in README.md. */
    static String summaryTable(Results r) {
        StringBuilder md = new StringBuilder("| what | figure |\n|---|---|\n");
        md.append("| maximum sustainable rate | **").append(LoadBenchmark.fmt(r.maxSustainableRate()))
                .append(" orders/s** (").append(pct(r.maxSustainableShareOfRawDatabase()))
                .append(" of the raw database transaction's rate on 8 connections) |\n");
        md.append("| raw database transaction (JDBC: order + line + outbox insert + delete, commit) | ")
                .append(num(r.rawDatabase().perSecond())).append(" tx/s on 8 connections (p50 ")
                .append(r.rawDatabase().latency().p50()).append(" ms), ").append(num(r.rawDatabaseOneConnection().perSecond()))
                .append(" tx/s on 1 |\n");
        md.append("| trivial endpoint of order-api (`/actuator/info`, 16 in flight) | ")
                .append(num(r.trivialHttp().perSecond())).append(" req/s, p50 ").append(r.trivialHttp().latency().p50())
                .append(" ms, order-api CPU ").append(num(r.trivialHttp().cpuMsPerOperation().get("order-api")))
                .append(" ms/request |\n");
        for (Results.Step s : r.sweep()) {
            if (s.sustainable() && (s.targetRate() == 250 || s.targetRate() == 500 || s.targetRate() == r.maxSustainableRate())) {
                md.append("| at ").append(LoadBenchmark.fmt(s.targetRate())).append("/s | POST p50/p99 ")
                        .append(p(s.post(), Latency.Percentiles::p50)).append(" / ").append(p(s.post(), Latency.Percentiles::p99))
                        .append(" ms; accepted -> GET /deliveries/{id} p50/p99 ")
                        .append(p(s.acceptedToView(), Latency.Percentiles::p50)).append(" / ")
                        .append(p(s.acceptedToView(), Latency.Percentiles::p99)).append(" ms; -> delivery.status p50/p99 ")
                        .append(p(s.acceptedToStatusTopic(), Latency.Percentiles::p50)).append(" / ")
                        .append(p(s.acceptedToStatusTopic(), Latency.Percentiles::p99)).append(" ms; CPU ")
                        .append(num(s.cpuMsPerOrderTotal())).append(" ms/order |\n");
            }
        }
        if (r.overload() != null) {
            Results.Step s = r.overload().step();
            md.append("| overload at ").append(LoadBenchmark.fmt(s.targetRate())).append("/s | ")
                    .append(num(r.overload().acceptedPerSecond())).append(" accepted/s (")
                    .append(pct(r.overload().acceptedShareOfMax())).append(" of the maximum), ").append(s.refused503())
                    .append(" refused with 503 (p99 ").append(p(s.postRefused(), Latency.Percentiles::p99))
                    .append(" ms), ").append(s.serverErrorsOtherThan503()).append(" other 5xx, ").append(s.noAnswer())
                    .append(" unanswered; normal again ").append(num(r.overload().recoverySeconds()))
                    .append(" s after the load stopped |\n");
        }
        md.append("| idle CPU of the stack | ").append(num(r.idleCpuMsPerSecond().entrySet().stream()
                .filter(e -> !e.getKey().equals(ProcessMeter.LOAD_GENERATOR)).mapToDouble(Map.Entry::getValue).sum()))
                .append(" ms per second |\n");
        md.append("| total RSS of the stack | ").append(num(r.totalRssMiB())).append(" MiB |\n");
        return md.toString();
    }

    static String sweepTable(Results r) {
        StringBuilder md = new StringBuilder("| step | accepted | 503 | errors | POST p50 / p99 ms | accepted -> view p50 / p99 ms"
                + " | -> delivery.status p50 / p99 ms | lag (first -> last) | CPU ms/order | verdict |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        List<Results.Step> steps = new ArrayList<>(r.sweep());
        if (r.overload() != null) {
            steps.add(r.overload().step());
        }
        for (Results.Step s : steps) {
            md.append("| ").append(s.name()).append(" | ").append(s.accepted()).append(" | ").append(s.refused503())
                    .append(" | ").append(s.errors()).append(" | ")
                    .append(p(s.post(), Latency.Percentiles::p50)).append(" / ").append(p(s.post(), Latency.Percentiles::p99))
                    .append(" | ").append(p(s.acceptedToView(), Latency.Percentiles::p50)).append(" / ")
                    .append(p(s.acceptedToView(), Latency.Percentiles::p99)).append(" | ")
                    .append(p(s.acceptedToStatusTopic(), Latency.Percentiles::p50)).append(" / ")
                    .append(p(s.acceptedToStatusTopic(), Latency.Percentiles::p99)).append(" | ")
                    .append(s.projectionLag().isEmpty() ? "-" : s.projectionLag().get(0) + " -> "
                            + s.projectionLag().get(s.projectionLag().size() - 1))
                    .append(" | ").append(num(s.cpuMsPerOrderTotal())).append(" | ")
                    .append(s.sustainable() ? "sustainable" : "not: " + String.join("; ", s.whyNot())).append(" |\n");
        }
        return md.toString();
    }

    static void updateReadme(Path readme, Results r, String plot) throws IOException {
        String text = Files.readString(readme);
        int begin = text.indexOf(README_BEGIN);
        int end = text.indexOf(README_END);
        if (begin < 0 || end < begin) {
            throw new IOException(readme + " has no " + README_BEGIN + " ... " + README_END + " section");
        }
        String section = README_BEGIN + "\n\nMeasured " + r.startedAt() + " on " + r.machine().cores() + " cores, "
                + r.machine().memoryGiB() + " GiB (" + r.machine().cpu() + "), the whole stack and the load generator"
                + " on one machine, with `" + r.command() + "`:\n\n" + summaryTable(r) + "\n" + sweepTable(r)
                + "\n![latency and CPU per order by rate](" + plot + ")\n\n" + README_END;
        Files.writeString(readme, text.substring(0, begin) + section + text.substring(end + README_END.length()));
    }

    static String p(Latency.Percentiles p, Function<Latency.Percentiles, Double> value) {
        return p == null ? "-" : num(value.apply(p));
    }

    static String num(Double v) {
        if (v == null || v.isNaN()) {
            return "-";
        }
        return Math.abs(v) >= 100 ? String.format("%.0f", v) : Math.abs(v) >= 10 ? String.format("%.1f", v) : String.format("%.2f", v);
    }

    private static String pct(double share) {
        return Double.isNaN(share) ? "-" : String.format("%.0f %%", share * 100);
    }
}
