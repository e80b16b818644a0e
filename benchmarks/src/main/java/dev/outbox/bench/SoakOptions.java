package dev.outbox.bench;

import dev.outbox.stack.StackSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the soak runs and how: its own {@code --duration}, {@code --interval}, {@code --rate} and
 * {@code --commands-every}; what it runs against (URLs, bootstrap, JDBC, pid files, results folder, view samples) is
 * {@link BenchmarkOptions}' business, with the same names and defaults as {@code ./stack bench}.
 *
 * @param warmUp       the most the JIT warm-up before the first interval may take (then a minute at the rate), not
 *                     recorded: a fresh or restarted stack compiles its hot code for minutes, and the first interval
 *                     is what the last is compared with
 * @param rateFrom     where the rate came from, for the report
 * @param commandEvery one accepted order in this many is taken through its delivery commands
 * @param stateDir     the stack's state directory, whose disk use is measured
 * @param target       the stack and the results folder; its Idempotency-Keys are on
 */
record SoakOptions(Duration duration, Duration interval, Duration warmUp, double rate, String rateFrom,
                   int commandEvery, Path stateDir, BenchmarkOptions target) {

    /** The share of the last measured maximum sustainable rate the soak runs at by default. */
    static final double SHARE_OF_MAXIMUM = 0.6;
    /** The rate when no {@code ./stack bench} results are there to take it from. */
    static final double FALLBACK_RATE = 300;

    static final String USAGE = """
            usage: ./stack soak [--name=value ...]
              --duration=1h                       how long (90s, 10m, 1h)
              --interval=5m                       one row of figures per interval
              --warmup=6m                         first, not recorded (0s: none): load until the stack's JIT
                                                  compilers are quiet (at 100/s, then at the rate; at most this
                                                  long), then a minute at the rate
              --rate=N                            orders per second (default: 60 %% of the maximum sustainable rate
                                                  of the newest ./stack bench results in --results, %s/s when
                                                  there are none)
              --commands-every=10                 one accepted order in this many is taken through courier, pickup
                                                  and delivery
              --view-samples=5 --view-poll=5ms    orders per second also followed through GET /deliveries/{id}, as
                                                  in ./stack bench (which follows 20, from 2 ms)
              --results=benchmarks/results        where soak-<timestamp>.json, .md and .png go
              --order-api=URL --delivery=URL --bootstrap=HOST:PORT
              --jdbc=URL --db-user=orders --db-password=...   (the local stack's, by default)
              --pids=DIR                          pid files of the processes to meter (.stack/pids)
            Disk use is measured in the stack's state directory (STACK_DIR, .stack by default)."""
            .formatted(LoadBenchmark.fmt(FALLBACK_RATE));

    private static final Set<String> OWN = Set.of("duration", "interval", "warmup", "rate", "commands-every");
    /** The benchmark's options that mean the same here; its load steps, baselines and README update do not. */
    private static final Set<String> TARGET = Set.of("view-samples", "view-poll", "results", "order-api", "delivery",
            "bootstrap", "jdbc", "db-user", "db-password", "pids");
    /** A {@code ./stack bench} results file: {@code <timestamp>.json}, not board-, faults- or soak-. */
    private static final Pattern BENCH_RESULTS = Pattern.compile("\\d{8}T\\d{6}Z\\.json");

    /** A rate and where it came from. */
    record Rate(double perSecond, String from) {
    }

    static SoakOptions parse(String[] args, StackSettings stack) {
        Set<String> known = new HashSet<>(OWN);
        known.addAll(TARGET);
        Map<String, String> given = BenchmarkOptions.arguments(args, known);
        List<String> targetArgs = new ArrayList<>(List.of("--idempotency-keys=true"));
        // a soak follows fewer orders through GET /deliveries/{id} than ./stack bench: over an hour the probes' own
        // polling would be a fair share of the load (every order is still timed to delivery.status)
        given.putIfAbsent("view-samples", "5");
        given.putIfAbsent("view-poll", "5ms");
        given.forEach((name, value) -> {
            if (TARGET.contains(name)) {
                targetArgs.add("--" + name + "=" + value);
            }
        });
        BenchmarkOptions target = BenchmarkOptions.parse(targetArgs.toArray(String[]::new), stack);
        Duration duration = BenchmarkOptions.duration(given.getOrDefault("duration", "1h"));
        Duration interval = BenchmarkOptions.duration(given.getOrDefault("interval", "5m"));
        Duration warmUp = BenchmarkOptions.duration(given.getOrDefault("warmup", "6m"));
        if (duration.toMillis() < 1000 || interval.toMillis() < 1000) {
            throw new IllegalArgumentException("--duration and --interval must be a second or more");
        }
        if (interval.compareTo(duration) > 0) {
            throw new IllegalArgumentException("--interval (" + interval + ") is longer than --duration (" + duration + ")");
        }
        int commandEvery = Integer.parseInt(given.getOrDefault("commands-every", "10"));
        if (commandEvery < 0) {
            throw new IllegalArgumentException("--commands-every must be 0 (none) or more");
        }
        Rate rate = given.containsKey("rate")
                ? new Rate(Double.parseDouble(given.get("rate")), "--rate")
                : defaultRate(target.results());
        if (!(rate.perSecond() > 0)) {
            throw new IllegalArgumentException("--rate must be positive");
        }
        return new SoakOptions(duration, interval, warmUp, rate.perSecond(), rate.from(), commandEvery,
                stack.stateDir(), target);
    }

    /**
     * {@value #SHARE_OF_MAXIMUM} of the maximum sustainable rate ({@code maxSustainableRate}) in the newest
     * {@code ./stack bench} results in {@code results}, rounded to whole orders; {@value #FALLBACK_RATE} when there
     * are none or the newest found no sustainable rate.
     */
    static Rate defaultRate(Path results) {
        Optional<Path> newest = newestBenchResults(results);
        if (newest.isEmpty()) {
            return new Rate(FALLBACK_RATE, "no ./stack bench results in " + results + ": " + LoadBenchmark.fmt(FALLBACK_RATE) + "/s");
        }
        String name = newest.get().getFileName().toString();
        double max = ResultsJson.read(newest.get()).path("maxSustainableRate").asDouble(0);
        if (!(max > 0)) {
            return new Rate(FALLBACK_RATE, name + " found no sustainable rate: " + LoadBenchmark.fmt(FALLBACK_RATE) + "/s");
        }
        double rate = Math.max(1, Math.round(max * SHARE_OF_MAXIMUM));
        return new Rate(rate, Math.round(SHARE_OF_MAXIMUM * 100) + " % of " + LoadBenchmark.fmt(max)
                + "/s, the maximum sustainable rate in " + name);
    }

    /** The newest {@code <timestamp>.json} in {@code results}: the timestamps sort as their names do. */
    static Optional<Path> newestBenchResults(Path results) {
        if (!Files.isDirectory(results)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(results)) {
            return files.filter(f -> BENCH_RESULTS.matcher(f.getFileName().toString()).matches())
                    .max(java.util.Comparator.comparing(f -> f.getFileName().toString()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
