package dev.outbox.bench.faults;

import dev.outbox.bench.LoadBenchmark;
import dev.outbox.bench.LoadClient;
import dev.outbox.bench.Results;
import dev.outbox.bench.ResultsJson;
import dev.outbox.stack.Stack;
import dev.outbox.stack.StackSettings;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Kill and count: starts a private stack on free ports (two instances of each app behind HAProxy), places orders at
 * a steady rate, injects each {@link Fault} in turn while they flow (the crashes, or with {@code --faults=rolling} the
 * clean restarts of a deploy: {@code ./stack deploy-drill}), lets the pipeline settle, and checks the promises of the
 * outbox against what the database, the projection and the topics hold ({@link Ledger}): nothing accepted is lost,
 * nothing is applied twice, nothing is dead-lettered, clients see no 5xx but 503. Writes the table to
 * {@code benchmarks/results/faults-<timestamp>.md} and {@code .json}.
 *
 * <p>{@code ./stack faults} runs it; {@code --help} lists the options. A stack the user runs is not touched.
 *
 * <p>Longer than most classes on purpose: it is the run's script (options, private stack, each fault in turn,
 * settle, count, write) and reads best in one place; traffic, faults, counting and the table are their own classes
 * ({@link Traffic}, {@link Fault}, {@link Ledger}, {@link FaultTable}).
 */
public final class FaultHarness {

    public static final String USAGE = """
            usage: ./stack faults [options]
              --faults=LIST        faults in the order injected, all (the crashes, the default) or rolling (a deploy):
                                   connect, delivery, order-api, mariadb, broker, registry;
                                   order-api-rolling, delivery-rolling, connect-restart, registry-restart,
                                   broker-rolling
              --orders=N           orders in all, shared evenly by the faults (default 20000)
              --rate=R             orders per second while the faults run (default 50)
              --command-every=N    one accepted order in N goes on to courier, pickup and delivery (default 10)
              --results=DIR        where faults-<timestamp>.md and .json go (default benchmarks/results)
              --brokers=1|3        one Kafka broker, or a cluster of three (replication factor 3, min.insync.replicas 2)
              --state-dir=DIR      the private stack's state (default benchmarks/target/faults-stack, emptied first)""";

    /** The harness's settings. */
    public record Options(List<Fault> faults, long orders, double rate, int commandEvery, Path results, Path stateDir,
                          int brokers) {

        public static Options parse(String[] args, Path home) {
            Map<String, String> given = new LinkedHashMap<>();
            for (String arg : args) {
                if (!arg.startsWith("--") || !arg.contains("=")) {
                    throw new IllegalArgumentException("unknown argument '" + arg + "'");
                }
                given.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            }
            Set<String> known = Set.of("faults", "orders", "rate", "command-every", "results", "state-dir", "brokers");
            given.keySet().stream().filter(k -> !known.contains(k)).findFirst().ifPresent(k -> {
                throw new IllegalArgumentException("unknown option --" + k);
            });
            Options options = new Options(List.copyOf(Fault.parse(given.getOrDefault("faults", "all"))),
                    Long.parseLong(given.getOrDefault("orders", "20000")),
                    Double.parseDouble(given.getOrDefault("rate", "50")),
                    Integer.parseInt(given.getOrDefault("command-every", "10")),
                    home.resolve(given.getOrDefault("results", "benchmarks/results")),
                    home.resolve(given.getOrDefault("state-dir", "benchmarks/target/faults-stack")),
                    Integer.parseInt(given.getOrDefault("brokers", "1")));
            if (options.orders < options.faults.size() || options.rate <= 0 || options.commandEvery < 0) {
                throw new IllegalArgumentException("--orders must be at least one per fault, --rate positive,"
                        + " --command-every 0 or more");
            }
            return options;
        }

        long ordersPerFault() {
            return orders / faults.size();
        }
    }

    /** What one run found, as written to the JSON file. */
    public record Report(String startedAt, String command, Results.Machine machine, double rate,
                         long ordersPerFault, int commandEvery, List<FaultRow> faults, boolean invariantsHold,
                         String markdown) {
    }

    private static final Duration SETTLE = Duration.ofSeconds(180);
    /** Load keeps running this long after the part is back, so recovery is seen under load. */
    private static final Duration AFTER_RESTORE = Duration.ofSeconds(15);
    private static final Duration BEFORE_FAULT = Duration.ofSeconds(5);

    private FaultHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.println(USAGE);
            return;
        }
        Path home = Path.of(System.getProperty("stack.home", ".")).toAbsolutePath().normalize();
        Options options;
        try {
            options = Options.parse(args, home);
        } catch (IllegalArgumentException e) {
            System.err.println("faults: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        try {
            Report report = run(options, home, ("./stack faults " + String.join(" ", args)).trim());
            System.out.println("\n" + report.markdown());
            System.exit(report.invariantsHold() ? 0 : 1);
        } catch (Exception | Error e) {
            // a part that does not come back ends the run: say which, after the stack has been stopped
            System.err.println("\nfaults: the run stopped: " + e);
            System.exit(3);
        }
    }

    /** Runs the faults on a private stack and writes the results; returns what it found. */
    public static Report run(Options options, Path home, String command) throws Exception {
        Stack.deleteTree(options.stateDir());
        Map<String, Integer> ports = privateStackPorts(options.brokers());
        // a deploy is measured with what makes it smooth, the warm-up before ready; the crashes do without it (an
        // instance that comes back is behind the balancer either way), and start sooner
        boolean rolling = options.faults().stream().allMatch(f -> f.rolling);
        StackSettings settings = StackSettings.fromEnvironment(home).withStateDir(options.stateDir()).withPorts(ports)
                .withKafkaBrokers(options.brokers()).withInstances(2).withWarmUp(rolling);
        String startedAt = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        System.out.printf("[faults] starting a private stack in %s, ports %s%n", options.stateDir(), ports);
        try (Stack stack = Stack.start(settings, Stack.Part.ALL, System.out); LoadClient http = new LoadClient()) {
            // the crash of a delivery instance is seen through the other one, its reads asked of it directly; a deploy
            // restarts both, so its clients go where clients go, through the balancer
            String readsUrl = rolling ? settings.deliveryUrl()
                    : "http://" + settings.host() + ":" + settings.deliveryInstancePort(2);
            System.out.println("[faults] delivery commands and reads through " + readsUrl);
            List<FaultRow> rows = runFaults(options, stack, http, readsUrl);
            return write(options, startedAt, command, rows);
        }
    }

    private static List<FaultRow> runFaults(Options options, Stack stack, LoadClient http, String survivorUrl)
            throws Exception {
        StackSettings s = stack.settings();
        Ledger ledger = new Ledger(s.ordersJdbcUrl(), "orders", s.ordersDbPassword(), survivorUrl, s.kafkaBootstrap(),
                "order.events", "delivery.dlq");
        List<FaultRow> rows = new ArrayList<>();
        try (Traffic traffic = new Traffic(http, s.orderApiUrl(), survivorUrl, s.kafkaBootstrap(), "delivery.status",
                options.commandEvery())) {
            // a first minute of plain load: both instances own their partitions and the JIT is past its worst
            Traffic.Phase warmup = new Traffic.Phase("warm-up");
            List<Traffic.Phase> phases = new ArrayList<>(List.of(warmup));
            long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            System.out.println("[faults] warm-up: 20 s of orders at " + options.rate() + "/s");
            traffic.place(warmup, options.rate(), () -> System.nanoTime() < warmupEnd);
            settle(traffic, phases);
            Ledger.Snapshot before = ledger.read();
            for (Fault fault : options.faults()) {
                Traffic.Phase phase = new Traffic.Phase(fault.id());
                phases.add(phase);
                FaultRow row = runFault(fault, phase, options, stack, traffic, ledger, before, phases, survivorUrl, http);
                rows.add(row);
                before = ledger.read();
                System.out.printf("[faults] %-10s accepted %d, lost %d, applied twice %d, wrong status %d, orphans %d,"
                                + " duplicates dropped %d, DLQ %d, 503 %d, no answer %d, other 5xx %d, reads failed %d/%d,"
                                + " recovery %.1f s, max e2e %.0f ms -> %s%n",
                        row.fault(), row.accepted(), row.lost(), row.appliedTwice(), row.wrongStatus(), row.orphans(),
                        row.duplicatesDropped(), row.deadLetters(), row.refused(), row.unanswered(), row.serverErrors(),
                        row.readsFailed(), row.reads(), row.recoverySeconds(), row.maxEndToEndMs(),
                        row.holds() ? "holds" : "VIOLATED " + row.orderAnswers());
            }
        }
        return rows;
    }

    private static FaultRow runFault(Fault fault, Traffic.Phase phase, Options options, Stack stack, Traffic traffic,
                                     Ledger ledger, Ledger.Snapshot before, List<Traffic.Phase> phases,
                                     String survivorUrl, LoadClient http) throws Exception {
        System.out.printf("%n[faults] %s: %s, under %s orders/s%n", fault.id(), fault.description, options.rate());
        // when the part was back (nanoTime); 0 while the fault lasts
        java.util.concurrent.atomic.AtomicLong restoredAt = new java.util.concurrent.atomic.AtomicLong();
        long minOrders = options.ordersPerFault();
        Thread load = new Thread(() -> traffic.place(phase, options.rate(), () -> phase.attempts.size() < minOrders
                || restoredAt.get() == 0 || System.nanoTime() < restoredAt.get() + AFTER_RESTORE.toNanos()),
                "faults-load");
        SurvivorProbe probe = new SurvivorProbe(survivorUrl, sampleOrders(phases, 30));
        load.start();
        probe.start();
        Thread.sleep(BEFORE_FAULT.toMillis());
        long injectedAt = System.nanoTime();
        fault.inject(stack);
        restoredAt.set(System.nanoTime());
        System.out.printf("[faults] %s: the part is back after %.1f s; load goes on%n", fault.id(),
                (restoredAt.get() - injectedAt) / 1e9);
        load.join();
        probe.stop();
        probe.failures().forEach((why, count) -> System.out.println("[faults] read failed: " + why + " x " + count));
        settle(traffic, phases);
        Ledger.Snapshot after = ledger.read();
        return row(fault, phase, traffic, before, after, probe, injectedAt, restoredAt.get());
    }

    private static void settle(Traffic traffic, List<Traffic.Phase> phases) throws InterruptedException {
        if (!traffic.awaitQuiet(SETTLE)) {
            System.out.println("[faults] requests or command flows still running after " + SETTLE.toSeconds() + " s");
        }
        long missing = traffic.awaitAllOnStatusTopic(phases, SETTLE);
        if (missing > 0) {
            System.out.println("[faults] " + missing + " accepted orders not on delivery.status after "
                    + SETTLE.toSeconds() + " s");
        }
    }

    private static List<String> sampleOrders(List<Traffic.Phase> phases, int n) {
        List<String> ids = phases.stream().flatMap(p -> Traffic.snapshot(p).stream())
                .map(a -> a.orderId).filter(java.util.Objects::nonNull).collect(Collectors.toList());
        java.util.Collections.shuffle(ids, new java.util.Random(42));
        return List.copyOf(ids.subList(0, Math.min(n, ids.size())));
    }

    static FaultRow row(Fault fault, Traffic.Phase phase, Traffic traffic, Ledger.Snapshot before,
                        Ledger.Snapshot after, SurvivorProbe probe, long injectedAt, long restoredAt) {
        List<Traffic.Attempt> attempts = Traffic.snapshot(phase);
        List<Traffic.Attempt> accepted = attempts.stream().filter(a -> a.orderId != null).toList();
        long lost = accepted.stream().filter(a -> !after.databaseOrders().contains(a.orderId)
                || !after.views().containsKey(a.orderId)).count();
        long wrongStatus = accepted.stream().filter(a -> after.views().containsKey(a.orderId)
                && !after.views().get(a.orderId).status().equals(traffic.expectedStatus.get(a.orderId))).count();
        long twiceBefore = before.views().values().stream().filter(Ledger.View::appliedTwice).count();
        long twiceAfter = after.views().values().stream().filter(Ledger.View::appliedTwice).count();
        long orphans = after.databaseOrders().stream().filter(id -> !after.views().containsKey(id)).count();
        long refused = attempts.stream().filter(a -> a.status == 503).count();
        long unanswered = attempts.stream().filter(a -> a.status == 0).count();
        long serverErrors = attempts.stream().filter(a -> a.status >= 500 && a.status != 503).count()
                + phase.commandServerErrors.sum();
        // a 4xx to a valid order, or a 201 without an id, is a defect as much as a 5xx
        long otherAnswers = attempts.stream().filter(a -> a.status == -2 || (a.status >= 400 && a.status < 500)).count();
        double maxE2e = accepted.stream().mapToLong(a -> traffic.reachedStatusTopic.getOrDefault(a.orderId, a.acceptedNanos)
                - a.acceptedNanos).max().orElse(0) / 1e6;
        return new FaultRow(fault.id(), fault.description, accepted.size(), lost, twiceAfter - twiceBefore, wrongStatus,
                orphans, after.duplicateOrderEvents() - before.duplicateOrderEvents(),
                after.deadLetters() - before.deadLetters(), refused, unanswered, serverErrors, otherAnswers,
                phase.commandTimeouts.sum(), phase.commandsAccepted.sum(), phase.flowsIncomplete.sum(),
                probe.failed(), probe.total(), round1((restoredAt - injectedAt) / 1e9),
                round1(recoverySeconds(attempts, traffic, injectedAt)), Math.round(maxE2e),
                attempts.stream().collect(Collectors.groupingBy(a -> a.status, java.util.TreeMap::new,
                        Collectors.counting())));
    }

    /**
     * From the fault's start to the end of the last second in which some order was not accepted, or was accepted
     * but took over a second to reach delivery.status: after that the system behaved normally again.
     */
    static double recoverySeconds(List<Traffic.Attempt> attempts, Traffic traffic, long injectedAt) {
        long lastBad = -1;
        for (Traffic.Attempt a : attempts) {
            if (a.dueNanos < injectedAt) {
                continue;
            }
            Long reached = a.orderId == null ? null : traffic.reachedStatusTopic.get(a.orderId);
            boolean bad = a.orderId == null || reached == null || reached - a.acceptedNanos > 1_000_000_000L
                    || a.acceptedNanos - a.dueNanos > 1_000_000_000L;
            if (bad) {
                lastBad = Math.max(lastBad, (a.dueNanos - injectedAt) / 1_000_000_000L);
            }
        }
        return lastBad + 1;
    }

    private static Report write(Options options, String startedAt, String command, List<FaultRow> rows)
            throws IOException {
        boolean holds = rows.stream().allMatch(FaultRow::holds);
        Results.Machine machine = Results.Machine.ofThisHost();
        String markdown = FaultTable.markdown(startedAt, command, machine, options, rows, holds);
        Report report = new Report(startedAt, command, machine, options.rate(), options.ordersPerFault(),
                options.commandEvery(), rows, holds, markdown);
        Files.createDirectories(options.results());
        String name = (options.faults().stream().allMatch(f -> f.rolling) ? "rolling-" : "faults-") + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                .format(Instant.parse(startedAt));
        Files.writeString(options.results().resolve(name + ".md"), markdown);
        ResultsJson.write(options.results().resolve(name + ".json"), report);
        System.out.println("[faults] results: " + options.results().resolve(name + ".md"));
        return report;
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** Free ports for a private balanced stack of {@code brokers} brokers, as {@link StackSettings#withPorts} takes them. */
    static Map<String, Integer> privateStackPorts(int brokers) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String part : new String[]{"mariadb", "registry", "connect", "order-api", "delivery"}) {
            ports.put(part, freePort());
        }
        // broker n listens on kafka + 2(n-1), its controller on the port after it: a free run of six ports
        int kafka = freePortRun(2 * brokers);
        ports.put("kafka", kafka);
        ports.put("kafka-controller", kafka + 1);
        for (String instance : new String[]{"order-api-1", "order-api-2", "delivery-1", "delivery-2"}) {
            ports.put(instance, freePort());
        }
        return ports;
    }

    private static int freePort() {
        return StackSettings.freePort();
    }

    /** The first of {@code n} consecutive ports that were all free a moment ago. */
    private static int freePortRun(int n) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int first = freePort();
            if (first + n > 65535) {
                continue;
            }
            boolean free = true;
            for (int p = first + 1; p < first + n && free; p++) {
                try (ServerSocket socket = new ServerSocket(p, 1, InetAddress.getByName(StackSettings.HOST))) {
                    // free
                } catch (IOException taken) {
                    free = false;
                }
            }
            if (free) {
                return first;
            }
        }
        throw new IllegalStateException("no run of " + n + " free ports found");
    }

}
