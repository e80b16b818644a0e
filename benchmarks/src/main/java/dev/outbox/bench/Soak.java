package dev.outbox.bench;

import dev.outbox.stack.StackSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The soak behind {@code ./stack soak}: against a running stack, orders at one fixed rate (open loop, each with an
 * Idempotency-Key) for a long time, one accepted order in n taken on through its delivery commands, and every
 * interval a row of figures: throughput, errors, latencies, RSS and CPU per order by process, disk by component
 * and per order, the idempotency table's size. The question it answers is whether these stay flat.
 *
 * <p>The load runs back to back on the main thread, one {@link OpenLoop} run per interval, so no order is missed at
 * a boundary. At each boundary the stack is sampled at once (on the sampler thread), and the interval is closed on
 * the closer thread once its orders have answered and reached the end of the pipeline, while the next one runs.
 *
 * <p>Prints a line per interval, and at the end writes {@code <results>/soak-<timestamp>.json}, {@code .md} and
 * {@code .png} ({@link SoakReport}).
 */
public final class Soak {

    /** How long a delivery command is retried before its flow gives up (a soak's stack is not being broken). */
    private static final Duration COMMAND_PATIENCE = Duration.ofSeconds(60);
    /** Longer than the client's response timeout: by then every request of the interval has its outcome. */
    private static final Duration ANSWERS = Duration.ofSeconds(15);
    /** Longer than a view probe's 30 s of patience: by then each probe has seen its order or given up. */
    private static final Duration DRAIN = Duration.ofSeconds(35);

    private final SoakOptions options;
    private final LoadClient http = new LoadClient();
    private final ProcessMeter meter;
    private final DiskUsage disk;
    private final AtomicLong acceptedOrders = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("soak-timer"));
    private final ExecutorService sampler = Executors.newSingleThreadExecutor(daemon("soak-sampler"));
    private final ExecutorService closer = Executors.newSingleThreadExecutor(daemon("soak-closer"));
    private final List<SoakInterval> intervals = new ArrayList<>();
    private volatile StepStats current;

    private Soak(SoakOptions options) {
        this.options = options;
        this.meter = new ProcessMeter(options.target().pidDir());
        this.disk = new DiskUsage(options.stateDir());
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.println(SoakOptions.USAGE);
            return;
        }
        Path home = Path.of(System.getProperty("stack.home", ".")).toAbsolutePath().normalize();
        try {
            Path written = run(args, StackSettings.fromEnvironment(home));
            System.out.println("\nresults: " + written);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("soak: " + e.getMessage());
            System.exit(2);
        }
    }

    /** Runs the soak with {@code args} (see {@link SoakOptions#USAGE}) and returns the path of the JSON results. */
    public static Path run(String[] args, StackSettings stack) throws Exception {
        SoakOptions options;
        try {
            options = SoakOptions.parse(args, stack);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage() + "\n" + SoakOptions.USAGE, e);
        }
        Soak soak = new Soak(options);
        try {
            return soak.run(String.join(" ", args));
        } finally {
            soak.timer.shutdownNow();
            soak.sampler.shutdownNow();
            soak.closer.shutdownNow();
            soak.http.close();
        }
    }

    private Path run(String arguments) throws Exception {
        BenchmarkOptions target = options.target();
        http.requireUp(target.orderApiUrl() + "/actuator/health", "order-api");
        http.requireUp(target.deliveryUrl() + "/actuator/health", "delivery-streams");
        String startedAt = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        System.out.printf("Soak against %s and %s: %s orders/s (%s) for %s, a row every %s; metering %s, disk in %s%n",
                target.orderApiUrl(), target.deliveryUrl(), LoadBenchmark.fmt(options.rate()), options.rateFrom(),
                options.duration(), options.interval(), meter.pids().keySet(), options.stateDir());

        DeliveryCommands commands = new DeliveryCommands(http, target.deliveryUrl(),
                "soak-" + startedAt.replace(":", ""), "Soak Test", timer);
        try (PipelineWatch watch = new PipelineWatch(target, http)) {
            OpenLoop load = new OpenLoop(http, target.orderApiUrl(), watch, true);
            if (options.interval().toSeconds() > 60) {
                timer.scheduleAtFixedRate(() -> heartbeat(load), 60, 60, TimeUnit.SECONDS);
            }
            if (!options.warmUp().isZero()) {
                // the stack's JIT first (a fresh or restarted stack compiles for minutes), then the rate itself,
                // delivery commands included, so the first interval, which the last is compared with, runs warm
                JitWarmUp.run(meter, options.rate(), options.warmUp(), (rate, duration, stats) -> {
                    load.run(rate, duration, stats, sampleEvery(target), id -> followUp(id, commands, new CommandStats()));
                    load.awaitAnswers(ANSWERS);
                }, stats -> current = stats);
                StepStats settle = new StepStats("warm-up", options.rate());
                current = settle;
                load.run(options.rate(), Duration.ofSeconds(60), settle, sampleEvery(target),
                        id -> followUp(id, commands, new CommandStats()));
                System.out.printf("Warm-up at %s/s: %d accepted, %d refused, %d errors%n",
                        LoadBenchmark.fmt(options.rate()), settle.accepted.sum(), settle.refused.sum(), settle.errors());
            }
            // stamped when taken, not when begun: the first interval starts after the sampling, not during it
            SoakSample taken = sample(0, watch);
            SoakSample first = new SoakSample(System.nanoTime(), taken.cpuSeconds(), taken.rssMiB(), taken.diskBytes(),
                    taken.idempotency(), taken.lag());
            Future<SoakSample> start = CompletableFuture.completedFuture(first);
            long soakEnd = first.nanos() + options.duration().toNanos();
            long sampleEvery = sampleEvery(target);
            for (int index = 1; ; index++) {
                long left = soakEnd - System.nanoTime();
                if (left < TimeUnit.SECONDS.toNanos(1)) {
                    break;
                }
                Duration length = Duration.ofNanos(Math.min(options.interval().toNanos(), left));
                StepStats orders = new StepStats("interval " + index, options.rate());
                CommandStats flows = new CommandStats();
                current = orders;
                load.run(options.rate(), length, orders, sampleEvery, id -> followUp(id, commands, flows));
                long boundary = System.nanoTime();
                Future<SoakSample> end = sampler.submit(() -> sample(boundary, watch));
                int number = index;
                Future<SoakSample> from = start;
                closer.submit(() -> close(number, first, from, end, orders, flows, watch));
                start = end;
            }
            current = null;
            closer.shutdown();
            if (!closer.awaitTermination(ANSWERS.plus(DRAIN).plus(COMMAND_PATIENCE).toSeconds() + 30, TimeUnit.SECONDS)) {
                System.out.println("[soak] the last interval did not close in time; written without it");
            }
        }
        List<SoakInterval> rows;
        synchronized (intervals) {
            rows = List.copyOf(intervals);
        }
        SoakResults results = new SoakResults(startedAt, ("./stack soak " + arguments).trim(), Results.Machine.ofThisHost(),
                meter.pids(), options.rate(), options.rateFrom(), LoadBenchmark.round(options.duration().toMillis() / 1e3),
                LoadBenchmark.round(options.interval().toMillis() / 1e3), options.commandEvery(),
                options.stateDir().toString(), rows, SoakVerdict.of(rows));
        return SoakReport.write(results, target.results());
    }

    private long sampleEvery(BenchmarkOptions target) {
        return target.viewSampleEvery(options.rate());
    }

    /** For every n-th accepted order: its delivery commands, once it is on delivery.status. */
    private Runnable followUp(String orderId, DeliveryCommands commands, CommandStats flows) {
        if (options.commandEvery() <= 0 || acceptedOrders.incrementAndGet() % options.commandEvery() != 0) {
            return null;
        }
        return () -> {
            flows.flowsStarted.incrementAndGet();
            commands.takeThrough(orderId, System.nanoTime() + COMMAND_PATIENCE.toNanos(), flows.listener)
                    .whenComplete((complete, error) -> flows.flowEnded(error == null && complete));
        };
    }

    /** Closes an interval once its orders answered and reached the end of the pipeline and its flows ended. */
    private void close(int index, SoakSample first, Future<SoakSample> start, Future<SoakSample> end, StepStats orders,
                       CommandStats flows, PipelineWatch watch) {
        try {
            await(() -> orders.accepted.sum() + orders.refused.sum() + orders.errors() >= orders.sent.get(), ANSWERS);
            watch.drain(orders, DRAIN);
            await(() -> !flows.flowsRunning(), COMMAND_PATIENCE.plusSeconds(5));
            long acceptedBefore;
            synchronized (intervals) {
                acceptedBefore = intervals.isEmpty() ? 0 : intervals.get(intervals.size() - 1).disk().acceptedSinceStart();
            }
            SoakInterval interval = SoakInterval.of(index, first, start.get(), end.get(), orders, flows, acceptedBefore);
            synchronized (intervals) {
                intervals.add(interval);
            }
            System.out.println(SoakReport.line(interval));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            System.err.println("[soak] interval " + index + " could not be closed: " + e);
        }
    }

    /** The stack now, stamped {@code nanos}: CPU first, as close to the interval's boundary as it can be read. */
    private SoakSample sample(long nanos, PipelineWatch watch) {
        var cpu = meter.cpuSeconds();
        var rss = meter.rssMiB();
        return new SoakSample(nanos, cpu, rss, disk.bytes(), IdempotencyTable.read(options.target()), watch.projectionLag());
    }

    private void heartbeat(OpenLoop load) {
        StepStats s = current;
        if (s != null) {
            System.out.printf("  %-14s sent %8d  201 %8d  503 %5d  errors %4d  in flight %4d%n",
                    s.name, s.sent.get(), s.accepted.sum(), s.refused.sum(), s.errors(), load.inFlight());
        }
    }

    private static void await(BooleanSupplier done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
