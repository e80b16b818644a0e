package dev.outbox.stack;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * The whole system on one machine without Docker: {@code start}, {@code stop}, {@code status}, {@code reset}.
 *
 * <p>Parts start as soon as what they need is ready (MariaDB and Kafka at once; the registry after MariaDB; Connect
 * after Kafka; the connector after Connect and MariaDB; the apps after the registry, the database and Kafka), each
 * with a timeout and a message naming the part and its log file. The same class is the library the tests use:
 * {@link #start(StackSettings, Set, PrintStream)} returns a handle whose {@link #close()} stops everything it started.
 */
public final class Stack implements AutoCloseable {

    /** The parts, in the order they are stopped in reverse. */
    public enum Part {
        MARIADB, KAFKA, REGISTRY, CONNECT, ORDER_API, DELIVERY;

        public static final Set<Part> INFRASTRUCTURE = Collections.unmodifiableSet(EnumSet.of(MARIADB, KAFKA, REGISTRY, CONNECT));
        public static final Set<Part> ALL = Collections.unmodifiableSet(EnumSet.allOf(Part.class));

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** "all", "infrastructure", or ids separated by commas: "mariadb,kafka,connect". */
        public static Set<Part> parse(String csv) {
            if (csv.isBlank() || csv.equals("all")) {
                return ALL;
            }
            if (csv.equals("infrastructure")) {
                return INFRASTRUCTURE;
            }
            EnumSet<Part> chosen = EnumSet.noneOf(Part.class);
            for (String id : csv.split(",")) {
                chosen.add(Stream.of(values()).filter(p -> p.id().equals(id.trim())).findFirst()
                        .orElseThrow(() -> new StackException("unknown part '" + id + "'; parts: mariadb, kafka,"
                                + " registry, connect, order-api, delivery")));
            }
            return chosen;
        }
    }

    private final StackSettings settings;
    /** The schema registry's accounts: the registry gets them, the apps sign in as the writer. */
    private final RegistryAccounts registryAccounts = RegistryAccounts.fromEnvironment();
    private final Map<Part, Supervised> running = Collections.synchronizedMap(new LinkedHashMap<>());
    /** Processes started besides the parts, such as a second delivery instance; stopped first on close. */
    private final List<Supervised> extras = Collections.synchronizedList(new ArrayList<>());
    /** The Kafka nodes after the first, on a cluster ({@code STACK_KAFKA_BROKERS=3}); stopped right before it. */
    private final List<Supervised> extraBrokers = Collections.synchronizedList(new ArrayList<>());
    private final Map<Part, Double> seconds = Collections.synchronizedMap(new LinkedHashMap<>());
    private final PrintStream out;
    /** Starters that replace the real ones, for tests of the launcher itself; empty otherwise. */
    private final Map<Part, Starter> replacedStarters;
    private final long t0 = System.nanoTime();
    /** Guards {@link #closed} against a process being registered while {@link #close()} takes its list. */
    private final Object lifecycle = new Object();
    private volatile boolean closed;
    /** The parts' start-ups, so that a failed start returns only once none of them can spawn a process any more. */
    private final List<CompletableFuture<Void>> starting = Collections.synchronizedList(new ArrayList<>());

    private Stack(StackSettings settings, PrintStream out, Map<Part, Starter> replacedStarters) {
        this.settings = settings;
        this.out = out;
        this.replacedStarters = Map.copyOf(replacedStarters);
    }

    public StackSettings settings() {
        return settings;
    }

    public RegistryAccounts registryAccounts() {
        return registryAccounts;
    }

    /** How long each part took from its own start to ready, in seconds. */
    public Map<Part, Double> startupSeconds() {
        return Map.copyOf(seconds);
    }

    public Optional<Supervised> process(Part part) {
        return Optional.ofNullable(running.get(part));
    }

    /** Starts the given parts (and what they need); on failure stops what did start and throws. */
    public static Stack start(StackSettings settings, Set<Part> wanted, PrintStream out) {
        return start(settings, wanted, out, Map.of());
    }

    /** {@link #start(StackSettings, Set, PrintStream)} with some parts started by {@code starters} instead. */
    static Stack start(StackSettings settings, Set<Part> wanted, PrintStream out, Map<Part, Starter> starters) {
        Set<Part> parts = withDependencies(wanted);
        refuseIfRunning(settings);
        Stack stack = new Stack(settings, out, starters);
        // Ctrl-C (or any exit of the JVM) during the start-up stops what was started so far; once started, the
        // caller owns the stack (./stack start installs its own hook, --detach leaves it running on purpose)
        Thread guard = new Thread(stack::close, "stack-start-interrupted");
        Runtime.getRuntime().addShutdownHook(guard);
        try {
            Files.createDirectories(settings.logs());
            // the database users' passwords: generated on the first start, then reused (see DbPasswords)
            DbPasswords.loadOrCreate(settings.stateDir());
            stack.startParts(parts);
            removeHook(guard);
            return stack;
        } catch (RuntimeException | IOException | Error e) {
            // stops what runs, then waits for the parts still starting: each one's process, spawned or not yet,
            // is stopped before this returns (see register)
            stack.close();
            removeHook(guard);
            if (e instanceof Error error) {
                throw error;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof StackException se) {
                throw se;
            }
            throw new StackException("stack start failed: " + cause, cause);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it closes the stack, which is what is wanted
        }
    }

    static Set<Part> withDependencies(Set<Part> wanted) {
        EnumSet<Part> parts = EnumSet.noneOf(Part.class);
        parts.addAll(wanted);
        if (parts.contains(Part.DELIVERY)) {
            parts.addAll(EnumSet.of(Part.KAFKA, Part.REGISTRY));
        }
        if (parts.contains(Part.ORDER_API)) {
            parts.addAll(EnumSet.of(Part.MARIADB, Part.REGISTRY));
        }
        if (parts.contains(Part.CONNECT)) {
            parts.addAll(EnumSet.of(Part.KAFKA, Part.MARIADB));
        }
        if (parts.contains(Part.REGISTRY)) {
            parts.add(Part.MARIADB);
        }
        return parts;
    }

    private void startParts(Set<Part> parts) {
        CompletableFuture<Void> none = CompletableFuture.completedFuture(null);
        CompletableFuture<Void> mariadb = startIf(parts, Part.MARIADB, none);
        CompletableFuture<Void> kafka = startIf(parts, Part.KAFKA, none);
        CompletableFuture<Void> registry = startIf(parts, Part.REGISTRY, mariadb);
        CompletableFuture<Void> orderApi = startIf(parts, Part.ORDER_API, CompletableFuture.allOf(mariadb, registry));
        CompletableFuture<Void> connect = startIf(parts, Part.CONNECT, CompletableFuture.allOf(kafka, mariadb));
        CompletableFuture<Void> delivery = startIf(parts, Part.DELIVERY, CompletableFuture.allOf(kafka, registry));
        CompletableFuture<Void> all = CompletableFuture.allOf(mariadb, kafka, registry, orderApi, connect, delivery);
        // fail fast: the first part that fails ends the wait, instead of waiting for the others' timeouts
        Stream.of(mariadb, kafka, registry, orderApi, connect, delivery)
                .forEach(f -> f.exceptionally(e -> {
                    all.completeExceptionally(e);
                    return null;
                }));
        all.join();
    }

    private CompletableFuture<Void> startIf(Set<Part> parts, Part part, CompletableFuture<Void> after) {
        return parts.contains(part) ? part(part, after, starter(part, true)) : CompletableFuture.completedFuture(null);
    }

    /** How each part starts; {@code firstStart} registers the connector, a restart only waits for its task. */
    private Starter starter(Part part, boolean firstStart) {
        Starter replaced = replacedStarters.get(part);
        if (replaced != null) {
            return replaced;
        }
        return switch (part) {
            case MARIADB -> l -> MariaDb.start(settings, l);
            case KAFKA -> this::startKafka;
            case REGISTRY -> this::startRegistry;
            case CONNECT -> l -> {
                Supervised worker = Connect.startWorker(settings, l);
                if (firstStart) {
                    Connect.registerConnector(settings, worker);
                } else {
                    Connect.awaitTaskRunning(settings, worker, Duration.ofSeconds(60));
                }
                return worker;
            };
            case ORDER_API -> this::startOrderApi;
            case DELIVERY -> this::startDelivery;
        };
    }

    interface Starter {
        Supervised start(Supervised.Listener listener) throws Exception;
    }

    private CompletableFuture<Void> part(Part part, CompletableFuture<Void> after, Starter starter) {
        CompletableFuture<Void> future = after.thenRunAsync(() -> {
            if (closed) {
                throw new StackException(part.id() + " not started: the stack is stopping");
            }
            long begin = System.nanoTime();
            out.printf("[%5.1fs] %-16s starting%n", elapsed(), part.id());
            try {
                starter.start(process -> register(process, () -> running.put(part, process)));
            } catch (StackException e) {
                throw e;
            } catch (Exception e) {
                throw new StackException(part.id() + " failed to start: " + e, e);
            }
            double took = (System.nanoTime() - begin) / 1e9;
            seconds.put(part, took);
            Supervised process = running.get(part);
            if (process == null) {
                throw new StackException(part.id() + " not started: the stack is stopping");
            }
            out.printf("[%5.1fs] %-16s ready in %.1f s  (log: %s)%n", elapsed(), part.id(), took,
                    settings.home().relativize(settings.logs().resolve(process.name() + ".log")));
        });
        starting.add(future);
        return future;
    }

    /**
     * Records a process the moment it is spawned, so that {@link #close()} stops it; once the stack is closing, stops
     * it at once instead and fails its part's start-up. Either way no process outlives the stack.
     */
    private void register(Supervised process, Runnable record) {
        synchronized (lifecycle) {
            if (!closed) {
                record.run();
                return;
            }
        }
        process.stop(Duration.ofSeconds(30));
        throw new StackException(process.name() + " not started: the stack is stopping");
    }

    private double elapsed() {
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * The single Kafka node, or every node of the cluster that is not running: side by side, since none is ready
     * before a majority of the controllers runs. The first node is the part's process, the others extra brokers.
     */
    private Supervised startKafka(Supervised.Listener listener) throws Exception {
        List<CompletableFuture<Void>> others = new ArrayList<>();
        for (int n = 2; n <= settings.kafkaBrokers(); n++) {
            if (kafkaNode(n).isEmpty()) {
                int node = n;
                others.add(CompletableFuture.runAsync(() -> startKafkaNode(node)));
            }
        }
        Supervised first = KafkaBroker.start(settings, 1, listener);
        CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)).join();
        return first;
    }

    private void startKafkaNode(int n) {
        try {
            KafkaBroker.start(settings, n, process -> register(process, () -> extraBrokers.add(process)));
        } catch (IOException e) {
            throw new StackException(KafkaBroker.name(n) + " failed to start: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException(KafkaBroker.name(n) + " not started: interrupted");
        }
    }

    private Optional<Supervised> kafkaNode(int n) {
        synchronized (extraBrokers) {
            extraBrokers.removeIf(p -> !p.isAlive());
            return extraBrokers.stream().filter(p -> p.name().equals(KafkaBroker.name(n))).findFirst();
        }
    }

    /** Kills Kafka node {@code n} (from 1) with SIGKILL; on a cluster the other two carry on. */
    public void killKafkaNode(int n) {
        if (n == 1) {
            kill(Part.KAFKA);
            return;
        }
        kafkaNode(n).ifPresent(process -> {
            extraBrokers.remove(process);
            process.kill();
        });
    }

    /** Starts Kafka node {@code n} again (after {@link #killKafkaNode(int)}) and waits until it serves. */
    public void restartKafkaNode(int n) {
        if (n == 1) {
            restart(Part.KAFKA);
        } else if (kafkaNode(n).isEmpty()) {
            startKafkaNode(n);
        }
    }

    private Supervised startRegistry(Supervised.Listener listener) throws IOException {
        return JavaApp.start(settings, "registry", "schema-registry", settings.registryPort(),
                registryEnvironment(settings, registryAccounts), List.of(), listener);
    }

    static Map<String, String> registryEnvironment(StackSettings settings, RegistryAccounts registryAccounts) {
        return Map.of(
                "SPRING_DATASOURCE_URL", "jdbc:mariadb://" + settings.host() + ":" + settings.mariadbPort() + "/registry",
                "REGISTRY_AUTH_ADMIN_PASSWORD", registryAccounts.adminPassword(),
                "REGISTRY_AUTH_WRITER_PASSWORD", registryAccounts.writerPassword(),
                "REGISTRY_AUTH_READER_PASSWORD", registryAccounts.readerPassword(),
                "SPRING_DATASOURCE_USERNAME", "registry",
                "SPRING_DATASOURCE_PASSWORD", settings.registryDbPassword());
    }

    private Supervised startOrderApi(Supervised.Listener listener) throws IOException {
        return JavaApp.start(settings, "order-api", "order-api", settings.orderApiPort(),
                orderApiEnvironment(settings, registryAccounts), List.of(), listener);
    }

    static Map<String, String> orderApiEnvironment(StackSettings settings, RegistryAccounts registryAccounts) {
        return Map.of(
                "SPRING_R2DBC_URL", settings.ordersR2dbcUrl(),
                "OUTBOX_SCHEMA_REGISTRY_USER_INFO", registryAccounts.writerUserInfo(),
                "SPRING_R2DBC_USERNAME", "orders",
                "SPRING_R2DBC_PASSWORD", settings.ordersDbPassword(),
                "SPRING_FLYWAY_URL", settings.ordersJdbcUrl(),
                "SPRING_FLYWAY_USER", "orders",
                "SPRING_FLYWAY_PASSWORD", settings.ordersDbPassword(),
                "OUTBOX_SCHEMA_REGISTRY_URL", settings.registryUrl());
    }

    private Supervised startDelivery(Supervised.Listener listener) throws IOException {
        return startDeliveryInstance("delivery", settings.deliveryPort(), listener);
    }

    /**
     * Another delivery-streams instance (another name, port and state directory) joining the same application id;
     * the stack stops it on close unless the caller stops it first.
     */
    public Supervised startExtraDeliveryInstance(String name, int port) throws IOException {
        return startDeliveryInstance(name, port, process -> register(process, () -> extras.add(process)));
    }

    private Supervised startDeliveryInstance(String name, int port, Supervised.Listener listener) throws IOException {
        return JavaApp.start(settings, name, "delivery-streams", port, Map.of(
                "SPRING_KAFKA_BOOTSTRAP_SERVERS", settings.kafkaBootstrap(),
                "DELIVERY_TOPICS_REPLICATION_FACTOR", Integer.toString(settings.kafkaReplicationFactor()),
                "OUTBOX_SCHEMA_REGISTRY_USER_INFO", registryAccounts.writerUserInfo(),
                "SPRING_KAFKA_STREAMS_STATE_DIR", settings.stateDir().resolve(name).resolve("streams").toString(),
                // the board shows these parts' state and proxies its order actions to the order API
                "BOARD_ORDER_API_URL", settings.orderApiUrl(),
                "BOARD_CONNECT_URL", settings.connectUrl(),
                "OUTBOX_SCHEMA_REGISTRY_URL", settings.registryUrl()), List.of(), listener);
    }

    /** Stops one part (for restart and failover tests); {@link #restart(Part)} starts it again. */
    public void stop(Part part) {
        Supervised process = running.remove(part);
        if (process != null) {
            process.stop(Duration.ofSeconds(30));
        }
    }

    /** Kills one part with SIGKILL, as a crash would (for fault tests); {@link #restart(Part)} starts it again. */
    public void kill(Part part) {
        Supervised process = running.remove(part);
        if (process != null) {
            process.kill();
        }
    }

    /** Stops the part if it runs, then starts it again and waits until it is ready. */
    public void restart(Part part) {
        stop(part);
        part(part, CompletableFuture.completedFuture(null), starter(part, false)).join();
    }

    /** Stops every part it started, apps first, the database last. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            closed = true;
        }
        stopAll();
        // a part still starting either has its process registered (stopped above, so its wait for readiness ends
        // at once) or will have it stopped by register(); wait for them so nothing is left behind on return
        CompletableFuture<?>[] pending;
        synchronized (starting) {
            pending = starting.toArray(CompletableFuture<?>[]::new);
        }
        try {
            CompletableFuture.allOf(pending).get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ended) {
            // failed start-ups are what close() follows; one still running after 60 s has register() stop
            // whatever it spawns later
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopAll();
    }

    private void stopAll() {
        synchronized (extras) {
            extras.forEach(process -> process.stop(Duration.ofSeconds(30)));
            extras.clear();
        }
        List<Part> order = new ArrayList<>(List.of(Part.values()));
        Collections.reverse(order);
        for (Part part : order) {
            if (part == Part.KAFKA) {
                synchronized (extraBrokers) {
                    extraBrokers.forEach(process -> process.stop(Duration.ofSeconds(30)));
                    extraBrokers.clear();
                }
            }
            Supervised process = running.remove(part);
            if (process != null) {
                long begin = System.nanoTime();
                process.stop(Duration.ofSeconds(30));
                out.printf("[stop] %-16s stopped in %.1f s%n", part.id(), (System.nanoTime() - begin) / 1e9);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // command line

    public static void main(String[] args) {
        Path home = Path.of(System.getProperty("stack.home", ".")).toAbsolutePath().normalize();
        List<String> words = List.of(args);
        StackSettings settings;
        try {
            settings = StackSettings.fromEnvironment(home);
            Optional<String> brokers = words.stream().filter(w -> w.startsWith("--brokers=")).findFirst();
            if (brokers.isPresent()) {
                settings = settings.withKafkaBrokers(Integer.parseInt(brokers.get().substring("--brokers=".length())));
            }
        } catch (IllegalArgumentException e) {
            System.err.println("stack: " + e.getMessage());
            System.exit(2);
            return;
        }
        String command = words.isEmpty() ? "start" : words.get(0);
        try {
            switch (command) {
                case "start" -> startCommand(settings, words.contains("--detach"), parts(words),
                        !words.contains("--no-demo"));
                case "stop" -> stopDetached(settings, System.out);
                case "status" -> status(settings);
                case "reset" -> {
                    stopDetached(settings, System.out);
                    deleteTree(settings.stateDir());
                    System.out.println("state removed: " + settings.stateDir());
                }
                default -> {
                    System.err.println("usage: stack [start [--detach] [--infra-only | --parts=mariadb,kafka,...] [--brokers=1|3] [--no-demo]"
                            + " | stop | status | reset]");
                    System.exit(2);
                }
            }
        } catch (StackException e) {
            System.err.println("\nstack: " + e.getMessage());
            System.exit(1);
        }
    }

    private static Set<Part> parts(List<String> words) {
        if (words.contains("--infra-only")) {
            return Part.INFRASTRUCTURE;
        }
        return words.stream().filter(w -> w.startsWith("--parts=")).findFirst()
                .map(w -> Part.parse(w.substring("--parts=".length()))).orElse(Part.ALL);
    }

    private static void startCommand(StackSettings settings, boolean detach, Set<Part> wanted, boolean demo) {
        System.out.println("Starting the local stack (state: " + settings.stateDir() + ")");
        Stack stack = start(settings, wanted, System.out);
        boolean infraOnly = !stack.running.containsKey(Part.ORDER_API);
        CountDownLatch stopped = new CountDownLatch(1);
        if (!detach) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.out.println("\nStopping the local stack ...");
                stack.close();
                stopped.countDown();
            }, "stack-shutdown"));
        }
        double total = stack.elapsed();
        double infra = stack.seconds.entrySet().stream().filter(e -> Part.INFRASTRUCTURE.contains(e.getKey()))
                .mapToDouble(Map.Entry::getValue).max().orElse(0);
        System.out.printf("%nStack ready in %.1f s (slowest infrastructure part %.1f s).%n", total, infra);
        // the URLs first, the board's at their head: the demo order below can then be watched arriving on it
        printUrls(settings, !infraOnly);
        if (demo && !infraOnly) {
            Demo.placeOrder(settings, System.out);
        }
        if (detach) {
            System.out.println("\nRunning in the background. Stop with: ./stack stop");
            return;
        }
        System.out.println("\nPress Ctrl-C to stop everything.");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void printUrls(StackSettings s, boolean apps) {
        System.out.println();
        if (apps) {
            System.out.println("  delivery board     " + s.deliveryUrl() + "/   (open it in a browser)");
            System.out.println("  order-api          " + s.orderApiUrl() + "/orders   (OpenAPI: " + s.orderApiUrl() + "/v3/api-docs)");
            System.out.println("  delivery-streams   " + s.deliveryUrl() + "/deliveries");
        }
        System.out.println("  schema registry    " + s.registryUrl() + "/subjects");
        System.out.println("  kafka connect      " + s.connectUrl() + "/connectors/" + Connect.CONNECTOR + "/status");
        System.out.println("  kafka bootstrap    " + s.kafkaBootstrap());
        System.out.println("  mariadb            " + s.host() + ":" + s.mariadbPort() + "  (database orders, user orders;"
                + " passwords in " + s.dbPasswordsFile() + ")");
        System.out.println("  logs               " + s.logs());
    }

    /** Refuses to start a second stack on the same state directory while the first one's processes live. */
    static void refuseIfRunning(StackSettings settings) {
        List<String> alive = livePids(settings).entrySet().stream()
                .map(e -> e.getKey() + " (pid " + e.getValue().pid() + ")").toList();
        if (!alive.isEmpty()) {
            throw new StackException("the stack in " + settings.stateDir() + " is already running: "
                    + String.join(", ", alive) + ". Stop it first: ./stack stop");
        }
    }

    /** Processes named by pid files whose process still lives; stale pid files are removed. */
    static Map<String, ProcessHandle> livePids(StackSettings settings) {
        Map<String, ProcessHandle> alive = new LinkedHashMap<>();
        Path dir = settings.stateDir().resolve("pids");
        if (!Files.isDirectory(dir)) {
            return alive;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".pid")).sorted().toList()) {
                String name = file.getFileName().toString().replace(".pid", "");
                Optional<ProcessHandle> handle = Optional.empty();
                try {
                    handle = ProcessHandle.of(Long.parseLong(Files.readString(file).trim()));
                } catch (NumberFormatException ignored) {
                    // unreadable pid file: treat as stale
                }
                if (handle.isPresent() && handle.get().isAlive()) {
                    alive.put(name, handle.get());
                } else {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new StackException("cannot read " + dir + ": " + e.getMessage());
        }
        return alive;
    }

    static void stopDetached(StackSettings settings, PrintStream out) {
        Map<String, ProcessHandle> alive = livePids(settings);
        if (alive.isEmpty()) {
            out.println("nothing running in " + settings.stateDir());
            return;
        }
        List<String> order = new ArrayList<>(List.of("delivery-2", "delivery", "order-api", "connect", "registry", "kafka-3",
                "kafka-2", "kafka", "mariadb"));
        alive.keySet().stream().filter(n -> !order.contains(n)).forEach(n -> order.add(0, n));
        for (String name : order) {
            ProcessHandle handle = alive.get(name);
            if (handle != null) {
                Supervised.stop(handle, Duration.ofSeconds(30));
                try {
                    Files.deleteIfExists(Supervised.pidFile(settings, name));
                } catch (IOException ignored) {
                    // stale pid files are cleaned by the next start
                }
                out.println("stopped " + name + " (pid " + handle.pid() + ")");
            }
        }
    }

    static void status(StackSettings settings) {
        Map<String, ProcessHandle> alive = livePids(settings);
        if (alive.isEmpty()) {
            System.out.println("not running (state: " + settings.stateDir() + ")");
            return;
        }
        alive.forEach((name, handle) -> System.out.println("running  " + name + " (pid " + handle.pid() + ")"));
        printUrls(settings, alive.containsKey("order-api"));
    }

    /** Deletes a directory and all below it (a state directory); nothing when it does not exist. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new StackException("cannot delete " + dir + ": " + e.getMessage());
        }
    }
}
