package dev.outbox.bench;

import dev.outbox.stack.StackSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the benchmark runs against and how: {@code --name=value} arguments, defaulting to the local stack's settings
 * (the same STACK_* variables and ports as {@code ./stack start}).
 */
record BenchmarkOptions(
        Path home,
        String orderApiUrl,
        String deliveryUrl,
        String bootstrap,
        String jdbcUrl,
        String dbUser,
        String dbPassword,
        Path pidDir,
        List<Double> rates,
        Duration jitWarmup,
        Duration warmup,
        Duration measure,
        boolean overload,
        Duration baseline,
        double viewSamplesPerSecond,
        long viewPollMillis,
        boolean idempotencyKeys,
        Path results,
        boolean updateReadme,
        String ordersTopic,
        String statusTopic,
        String streamsGroup) {

    static final String USAGE = """
            usage: ./stack bench [--name=value ...]
              --rates=100,250,500,750,1000,1500   orders per second, one step each (ascending)
              --jit-warmup=300s                   at most this long, load (at most 100/s) until the JVMs have compiled
                                                  their hot code (a fresh stack spends its first minute in the JIT)
              --warmup=20s --measure=20s          per step: warm-up (not counted; long enough for the JIT to settle
                                                  at the new rate), then measured
              --overload=true|false               one step at twice the maximum sustainable rate
              --baseline=5s                       duration of each baseline (raw DB transaction, trivial HTTP)
              --view-samples=20                   orders per second also followed through GET /deliveries/{id}
              --view-poll=2ms                     how often a sampled order's view is polled at first (later
                                                  every twentieth of its age, so a lagging pipeline is not flooded)
              --idempotency-keys=false            send an Idempotency-Key with every order
              --results=benchmarks/results        where <timestamp>.json, .md and .png go
              --update-readme                     rewrite README.md's measured table from this run
              --order-api=URL --delivery=URL --bootstrap=HOST:PORT
              --jdbc=URL --db-user=orders --db-password=...   (the local stack's, by default)
              --pids=DIR                          pid files of the processes to meter (.stack/pids)""";

    private static final Set<String> KNOWN = Set.of("rates", "jit-warmup", "warmup", "measure", "overload", "baseline",
            "view-samples", "view-poll", "idempotency-keys", "results", "update-readme", "order-api", "delivery",
            "bootstrap", "jdbc", "db-user", "db-password", "pids");

    static BenchmarkOptions parse(String[] args, StackSettings stack) {
        Map<String, String> given = arguments(args, KNOWN);
        List<Double> rates = Arrays.stream(given.getOrDefault("rates", "100,250,500,750,1000,1500").split(","))
                .map(String::trim).map(Double::parseDouble).sorted().toList();
        if (rates.isEmpty() || rates.get(0) <= 0) {
            throw new IllegalArgumentException("--rates must be positive numbers");
        }
        return new BenchmarkOptions(
                stack.home(),
                given.getOrDefault("order-api", stack.orderApiUrl()),
                given.getOrDefault("delivery", stack.deliveryUrl()),
                given.getOrDefault("bootstrap", stack.kafkaBootstrap()),
                given.getOrDefault("jdbc", stack.ordersJdbcUrl()),
                given.getOrDefault("db-user", "orders"),
                given.getOrDefault("db-password", stack.ordersDbPassword()),
                Path.of(given.getOrDefault("pids", stack.stateDir().resolve("pids").toString())),
                rates,
                duration(given.getOrDefault("jit-warmup", "300s")),
                duration(given.getOrDefault("warmup", "20s")),
                duration(given.getOrDefault("measure", "20s")),
                Boolean.parseBoolean(given.getOrDefault("overload", "true")),
                duration(given.getOrDefault("baseline", "5s")),
                Double.parseDouble(given.getOrDefault("view-samples", "20")),
                duration(given.getOrDefault("view-poll", "2ms")).toMillis(),
                Boolean.parseBoolean(given.getOrDefault("idempotency-keys", "false")),
                Path.of(given.getOrDefault("results", stack.home().resolve("benchmarks/results").toString())).toAbsolutePath(),
                Boolean.parseBoolean(given.getOrDefault("update-readme", "false")),
                "order.events", "delivery.status", "delivery-streams");
    }

    /** {@code --name=value} arguments by name ({@code --name} alone is "true"); any name not in {@code known} is refused. */
    static Map<String, String> arguments(String[] args, Set<String> known) {
        Map<String, String> given = new HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
            given.put(name, eq < 0 ? "true" : arg.substring(eq + 1));
        }
        return given;
    }

    /** At {@code rate} orders/s, every how many-th order is followed through GET /deliveries/{id} (0: none). */
    long viewSampleEvery(double rate) {
        return viewSamplesPerSecond <= 0 ? 0 : Math.max(1, Math.round(rate / viewSamplesPerSecond));
    }

    /** "20s", "500ms", "2m", "1h" or plain seconds. */
    static Duration duration(String text) {
        String t = text.trim();
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        if (t.endsWith("s")) {
            return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
        }
        if (t.endsWith("m")) {
            return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
        }
        if (t.endsWith("h")) {
            return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
        }
        return Duration.ofMillis((long) (Double.parseDouble(t) * 1000));
    }
}
