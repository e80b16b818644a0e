package dev.outbox.bench;

import dev.outbox.stack.StackSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The load benchmark behind {@code ./stack bench}: against a running stack, it measures the idle cost, the two
 * baselines (raw database transaction, trivial HTTP endpoint), then sweeps fixed arrival rates (open loop) and finds
 * the maximum sustainable rate: no errors, accepted → visible at GET /deliveries/{id} p99 ≤ 100 ms, every order on
 * {@code delivery.status} after the step, and the projection's consumer lag not growing. One overload step at twice
 * that rate follows, and the time the API takes to answer normally again once the load stops.
 *
 * <p>Prints progress and a table, and writes {@code <results>/<timestamp>.json}, {@code .md} and {@code .png}.
 *
 * <p>Longer than most classes on purpose: it is the run's script (warm-up, idle, baselines, sweep, overload,
 * recovery) and the rule for "sustainable"; the steps share one meter, watch and load client, and read best in
 * order. Load, measurement and output are elsewhere ({@link OpenLoop}, {@link PipelineWatch}, {@link Report}).
 */
public final class LoadBenchmark {

    static final double E2E_P99_LIMIT_MS = 100;
    private static final Duration DRAIN = Duration.ofSeconds(15);

    private final BenchmarkOptions options;
    private final ProcessMeter meter;
    private final LoadClient http;
    private volatile StepStats current;
    private volatile boolean sampleLag;

    LoadBenchmark(BenchmarkOptions options) {
        this.options = options;
        this.meter = new ProcessMeter(options.pidDir());
        this.http = new LoadClient();
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.println(BenchmarkOptions.USAGE);
            return;
        }
        Path home = Path.of(System.getProperty("stack.home", ".")).toAbsolutePath().normalize();
        try {
            Path written = run(args, StackSettings.fromEnvironment(home));
            System.out.println("\nresults: " + written);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
        }
    }

    /**
     * Runs the benchmark with {@code args} (see {@link BenchmarkOptions#USAGE}) against the stack {@code stack}
     * describes, and returns the path of the JSON results.
     */
    public static Path run(String[] args, StackSettings stack) throws Exception {
        BenchmarkOptions options;
        try {
            options = BenchmarkOptions.parse(args, stack);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage() + "\n" + BenchmarkOptions.USAGE, e);
        }
        LoadBenchmark benchmark = new LoadBenchmark(options);
        try {
            return benchmark.run(String.join(" ", args));
        } finally {
            benchmark.http.close();
        }
    }

    /** Runs the whole benchmark and returns the path of the JSON results. */
    Path run(String arguments) throws Exception {
        http.requireUp(options.orderApiUrl() + "/actuator/health", "order-api");
        http.requireUp(options.deliveryUrl() + "/actuator/health", "delivery-streams");
        String startedAt = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        System.out.printf("Benchmark against %s and %s; metering %s%n", options.orderApiUrl(), options.deliveryUrl(),
                meter.pids().keySet());

        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        });
        try (PipelineWatch watch = new PipelineWatch(options, http)) {
            OpenLoop load = new OpenLoop(http, options.orderApiUrl(), watch, options.idempotencyKeys());
            ticker.scheduleAtFixedRate(() -> progress(watch, load), 1, 1, TimeUnit.SECONDS);
            if (!options.jitWarmup().isZero()) {
                jitWarmup(load, watch);
            }
            System.out.printf("%n[idle] %d s with no load ...%n", options.baseline().toSeconds());
            var before = meter.cpuSeconds();
            long t0 = System.nanoTime();
            Thread.sleep(options.baseline().toMillis());
            double idleSeconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> idle = new LinkedHashMap<>();
            ProcessMeter.delta(before, meter.cpuSeconds()).forEach((k, v) -> idle.put(k, round(v * 1000 / idleSeconds)));
            System.out.println("[idle] CPU ms per second: " + idle);

            System.out.println("\n[baseline] raw database transaction over JDBC, 1 connection, then 8 ...");
            var rawOne = Baselines.rawDatabase(options, 1, options.baseline(), meter);
            var raw = Baselines.rawDatabase(options, 8, options.baseline(), meter);
            System.out.printf("[baseline] raw DB: %.0f tx/s on 1 connection (p50 %.2f ms), %.0f tx/s on 8 (p50 %.2f ms)%n",
                    rawOne.perSecond(), rawOne.latency().p50(), raw.perSecond(), raw.latency().p50());
            var trivial = Baselines.trivialEndpoint(http, options.orderApiUrl() + "/actuator/info", 16, options.baseline(), meter);
            System.out.printf("[baseline] trivial HTTP endpoint: %.0f req/s at 16 in flight (p50 %.2f ms), order-api CPU %.3f ms per request%n",
                    trivial.perSecond(), trivial.latency().p50(), trivial.cpuMsPerOperation().getOrDefault("order-api", Double.NaN));

            List<Results.Step> sweep = new ArrayList<>();
            Results.Overload overload = null;
            double max = 0;
            for (double rate : options.rates()) {
                Results.Step step = step(load, watch, "sweep", rate, options.measure());
                sweep.add(step);
                if (!step.sustainable()) {
                    break;
                }
                max = rate;
            }
            if (options.overload()) {
                double rate = 2 * (max > 0 ? max : options.rates().get(0));
                Results.Step step = step(load, watch, "overload", rate, options.measure());
                double recovery = recovery(load, watch);
                double acceptedPerSecond = round(step.accepted() / step.measuredSeconds());
                overload = new Results.Overload(step, acceptedPerSecond,
                        max > 0 ? round(acceptedPerSecond / max) : Double.NaN, recovery);
                System.out.printf("[overload] %.0f/s offered: %.0f/s accepted (%.0f%% of the maximum), %d refused with 503"
                                + " (p99 %s ms), %d other 5xx, back to normal %.1f s after the load stopped%n",
                        rate, acceptedPerSecond, 100 * overload.acceptedShareOfMax(), step.refused503(),
                        step.postRefused() == null ? "-" : step.postRefused().p99(), step.serverErrorsOtherThan503(), recovery);
            }
            ticker.shutdownNow();
            double share = raw.perSecond() > 0 ? round(max / raw.perSecond()) : Double.NaN;
            Map<String, Double> rss = meter.rssMiB();
            rss.replaceAll((k, v) -> round(v));
            double totalRss = round(rss.entrySet().stream().filter(e -> !e.getKey().equals(ProcessMeter.LOAD_GENERATOR))
                    .mapToDouble(Map.Entry::getValue).sum());
            Results results = new Results(startedAt, ("./stack bench " + arguments).trim(), Results.Machine.ofThisHost(), meter.pids(),
                    idle, rawOne, raw, trivial, sweep, max, share, overload, rss, totalRss);
            return Report.write(results, options);
        }
    }

    /** The JIT warm-up ({@link JitWarmUp}) at the sweep's first rate. */
    private void jitWarmup(OpenLoop load, PipelineWatch watch) throws InterruptedException {
        JitWarmUp.run(meter, options.rates().get(0), options.jitWarmup(), (rate, duration, stats) -> {
            load.run(rate, duration, stats, 0);
            load.awaitAnswers(Duration.ofSeconds(12));
            watch.drain(stats, DRAIN);
        }, stats -> current = stats);
    }

    /** One load step at {@code rate}: warm-up, measured window, then the drain of what it accepted. */
    private Results.Step step(OpenLoop load, PipelineWatch watch, String kind, double rate, Duration measure)
            throws InterruptedException {
        String name = kind + " " + fmt(rate) + "/s";
        StepStats warmup = new StepStats(name + " (warm-up)", rate);
        StepStats stats = new StepStats(name, rate);
        long sampleEvery = options.viewSampleEvery(rate);
        System.out.printf("%n[%s] warm-up %d s, then %d s measured%n", name, options.warmup().toSeconds(), measure.toSeconds());
        current = warmup;
        load.run(rate, options.warmup(), warmup, sampleEvery);
        current = stats;
        sampleLag = true;
        var cpuBefore = meter.cpuSeconds();
        double jitBefore = meter.jitCpuSeconds();
        long t0 = System.nanoTime();
        load.run(rate, measure, stats, sampleEvery);
        load.awaitAnswers(Duration.ofSeconds(12));
        var cpu = ProcessMeter.delta(cpuBefore, meter.cpuSeconds());
        double seconds = (System.nanoTime() - t0) / 1e9;
        double jitMsPerSecond = round((meter.jitCpuSeconds() - jitBefore) * 1000 / seconds);
        sampleLag = false;
        watch.drain(warmup, DRAIN);
        watch.drain(stats, DRAIN);
        Map<String, Double> rss = meter.rssMiB();
        rss.replaceAll((k, v) -> round(v));
        Map<String, Double> cpuPerOrder = Baselines.perOperation(cpu, stats.accepted.sum());
        double total = round(cpuPerOrder.entrySet().stream().filter(e -> !e.getKey().equals(ProcessMeter.LOAD_GENERATOR))
                .mapToDouble(Map.Entry::getValue).filter(v -> !Double.isNaN(v)).sum());

        List<String> whyNot = new ArrayList<>();
        if (stats.errors() > 0 || stats.refused.sum() > 0) {
            whyNot.add(stats.refused.sum() + " refused (503), " + stats.errors() + " errors");
        }
        Latency.Percentiles e2e = stats.viewLatency.count() > 0 ? stats.viewLatency.summary() : stats.statusLatency.summary();
        if (e2e == null || e2e.p99() > E2E_P99_LIMIT_MS) {
            whyNot.add("accepted -> visible p99 " + (e2e == null ? "unknown" : e2e.p99() + " ms") + " > " + fmt(E2E_P99_LIMIT_MS) + " ms");
        }
        if (stats.undelivered > 0) {
            whyNot.add(stats.undelivered + " accepted orders not on delivery.status " + DRAIN.toSeconds() + " s after the step");
        }
        List<Long> lag;
        synchronized (stats.lagSamples) { // the progress thread appends to it
            lag = List.copyOf(stats.lagSamples);
        }
        if (lag.size() >= 2 && lag.get(lag.size() - 1) - lag.get(0) > Math.max(50, rate / 2)) {
            whyNot.add("projection lag grew from " + lag.get(0) + " to " + lag.get(lag.size() - 1));
        }
        Latency.Percentiles lateness = stats.senderLateness.summary();
        if (lateness != null && lateness.p99() > 20) {
            whyNot.add("the load generator fell behind (p99 " + lateness.p99() + " ms late)");
        }
        Map<Integer, Long> other = stats.otherStatus.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().sum()));
        Results.Step step = new Results.Step(name, rate, round(seconds), stats.sent.get(), stats.accepted.sum(),
                stats.refused.sum(), stats.errors(), stats.serverErrorsOtherThan503(), other, stats.noAnswer.sum(),
                stats.postLatency.summary(), stats.acceptedLatency.summary(), stats.refusalLatency.summary(),
                stats.statusLatency.summary(), stats.viewLatency.summary(), stats.viewNeverSeen.get(),
                stats.undelivered, lag, lateness, cpuPerOrder, total, jitMsPerSecond, rss, whyNot.isEmpty(), whyNot);
        System.out.println("[" + name + "] " + Report.stepLine(step));
        return step;
    }

    /**
     * After an overload step: probes at 20 orders/s in one-second windows until a window answers every request with
     * 201 within 100 ms; returns the seconds from the end of the overload to the end of that window.
     */
    private double recovery(OpenLoop load, PipelineWatch watch) throws InterruptedException {
        long stopped = System.nanoTime();
        for (int window = 0; window < 60; window++) {
            StepStats probe = new StepStats("recovery", 20);
            current = probe;
            load.run(20, Duration.ofSeconds(1), probe, 0);
            load.awaitAnswers(Duration.ofSeconds(2));
            Latency.Percentiles post = probe.postLatency.summary();
            watch.drain(probe, Duration.ZERO);
            if (probe.accepted.sum() == probe.sent.get() && post != null && post.max() <= 100) {
                return round((System.nanoTime() - stopped) / 1e9);
            }
        }
        return Double.NaN;
    }

    private void progress(PipelineWatch watch, OpenLoop load) {
        StepStats s = current;
        if (s == null) {
            return;
        }
        long lag = watch.projectionLag();
        if (sampleLag && s == current) {
            synchronized (s.lagSamples) {
                s.lagSamples.add(lag);
            }
        }
        System.out.printf("  %-28s sent %6d  201 %6d  503 %5d  errors %4d  in flight %4d  awaiting status %5d  lag %5d%n",
                s.name, s.sent.get(), s.accepted.sum(), s.refused.sum(), s.errors(), load.inFlight(),
                watch.outstanding(s), lag);
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
