package dev.outbox.stack;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

/**
 * The lifecycle of the local stack's parts: started as soon as what each {@linkplain Part#needs() needs} is ready
 * (MariaDB and Kafka at once; the registry after MariaDB; Connect after Kafka and MariaDB; the apps after the
 * registry, the database and Kafka), each with a timeout and a message naming the part and its log file, and stopped
 * in the reverse order. It is the library the tests use: {@link #start(StackSettings, Set, PrintStream)} returns a
 * handle whose {@link #close()} stops everything it started. {@link StackCli} is the command line on top of it.
 *
 * <p>Longer than most classes on purpose: start, register, stop, kill, restart and close share one rule (no process
 * outlives the stack, even one spawned while the stack is closing) and the state that rule guards, so they stay
 * together.
 */
public final class Stack implements AutoCloseable {

    /** The parts and what each one needs running before it starts; the start and stop orders follow from that. */
    public enum Part {
        MARIADB,
        KAFKA,
        REGISTRY(MARIADB),
        CONNECT(KAFKA, MARIADB),
        ORDER_API(MARIADB, REGISTRY),
        DELIVERY(KAFKA, REGISTRY),
        /** The load balancer in front of the apps' instances; only when they run as more than one. */
        HAPROXY(ORDER_API, DELIVERY);

        public static final Set<Part> INFRASTRUCTURE = Collections.unmodifiableSet(EnumSet.of(MARIADB, KAFKA, REGISTRY, CONNECT));
        public static final Set<Part> ALL = Collections.unmodifiableSet(EnumSet.allOf(Part.class));

        private final List<Part> needs;

        Part(Part... needs) {
            this.needs = List.of(needs);
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The parts that must be ready before this one starts (directly; see {@link #withNeeds(Set)}). */
        public Set<Part> needs() {
            return needs.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(needs));
        }

        /** {@code wanted} and everything it needs, directly or through another part. */
        public static Set<Part> withNeeds(Set<Part> wanted) {
            EnumSet<Part> parts = EnumSet.noneOf(Part.class);
            List<Part> open = new ArrayList<>(wanted);
            while (!open.isEmpty()) {
                Part part = open.remove(open.size() - 1);
                if (parts.add(part)) {
                    open.addAll(part.needs);
                }
            }
            return parts;
        }

        /**
         * Every part after what it needs (a topological order; of the parts ready at the same point, the one declared
         * first comes first). Fails on a cycle, which no start could satisfy.
         */
        public static List<Part> startOrder() {
            List<Part> order = new ArrayList<>();
            EnumSet<Part> left = EnumSet.allOf(Part.class);
            while (!left.isEmpty()) {
                Part next = left.stream().filter(p -> order.containsAll(p.needs)).findFirst()
                        .orElseThrow(() -> new IllegalStateException("the parts " + left + " need each other"));
                order.add(next);
                left.remove(next);
            }
            return List.copyOf(order);
        }

        /** The {@link #startOrder()} reversed: nothing stops before a part that needs it. */
        public static List<Part> stopOrder() {
            List<Part> order = new ArrayList<>(startOrder());
            Collections.reverse(order);
            return List.copyOf(order);
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
                        .orElseThrow(() -> new StackException("unknown part '" + id + "'; parts: "
                                + String.join(", ", Stream.of(values()).map(Part::id).toList()))));
            }
            return chosen;
        }
    }

    private final StackSettings settings;
    /** The schema registry's accounts: the registry gets them, the apps sign in as the writer. */
    private final RegistryAccounts registryAccounts;
    private final Map<Part, Supervised> running = Collections.synchronizedMap(new LinkedHashMap<>());
    /** Processes started besides the parts, such as a second delivery instance; stopped first on close. */
    private final List<Supervised> extras = Collections.synchronizedList(new ArrayList<>());
    /** The Kafka nodes after the first, on a cluster ({@code STACK_KAFKA_BROKERS=3}); stopped right before it. */
    private final List<Supervised> extraBrokers = Collections.synchronizedList(new ArrayList<>());
    private final Map<Part, Double> seconds = Collections.synchronizedMap(new LinkedHashMap<>());
    private final PrintStream out;
    /** Starters that replace the real ones, for tests of the launcher itself; empty otherwise. */
    private final Map<Part, Starter> replacedStarters;
    /** Where the apps' jars are taken from: the project by default; another build of it for a version rollout. */
    private volatile Path appHome;
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
        this.appHome = settings.home();
        this.registryAccounts = settings.registryAccounts();
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

    /**
     * {@link #start(StackSettings, Set, PrintStream)} with the apps (order-api, delivery-streams) from the build in
     * {@code appHome}, another checkout of the project: the version a rollout starts from.
     */
    public static Stack start(StackSettings settings, Set<Part> wanted, PrintStream out, Path appHome) {
        return start(settings, wanted, out, Map.of(), appHome);
    }

    /** {@link #start(StackSettings, Set, PrintStream)} with some parts started by {@code starters} instead. */
    static Stack start(StackSettings settings, Set<Part> wanted, PrintStream out, Map<Part, Starter> starters) {
        return start(settings, wanted, out, starters, settings.home());
    }

    private static Stack start(StackSettings settings, Set<Part> wanted, PrintStream out, Map<Part, Starter> starters,
                               Path appHome) {
        Set<Part> parts = Part.withNeeds(wanted);
        PidFiles.refuseIfRunning(settings);
        Stack stack = new Stack(settings, out, starters);
        stack.appHome = appHome;
        // Ctrl-C (or any exit of the JVM) during the start-up stops what was started so far; once started, the
        // caller owns the stack (./stack start installs its own hook, --detach leaves it running on purpose)
        Thread guard = new Thread(stack::close, "stack-start-interrupted");
        Runtime.getRuntime().addShutdownHook(guard);
        try {
            Files.createDirectories(settings.logs());
            // the database users' passwords exist before the parts start in parallel (the registry's were read when
            // this Stack was made): generated on the first start, then reused
            GeneratedPasswords.DATABASE.loadOrCreate(settings.stateDir());
            Topology.save(settings);
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

    /** Starts each part once what it needs is ready, side by side where nothing orders them; fails fast. */
    private void startParts(Set<Part> parts) {
        Map<Part, CompletableFuture<Void>> ready = new EnumMap<>(Part.class);
        for (Part part : Part.startOrder()) {
            if (parts.contains(part)) {
                CompletableFuture<?>[] needs = part.needs().stream().map(ready::get).toArray(CompletableFuture[]::new);
                ready.put(part, part(part, CompletableFuture.allOf(needs), starter(part, true)));
            }
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(ready.values().toArray(CompletableFuture[]::new));
        // fail fast: the first part that fails ends the wait, instead of waiting for the others' timeouts
        ready.values().forEach(f -> f.exceptionally(e -> {
            all.completeExceptionally(e);
            return null;
        }));
        all.join();
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
            case HAPROXY -> l -> Haproxy.start(settings, l);
        };
    }

    interface Starter {
        Supervised start(Supervised.Listener listener) throws Exception;
    }

    private CompletableFuture<Void> part(Part part, CompletableFuture<Void> after, Starter starter) {
        if (part == Part.HAPROXY && !settings.balanced()) {
            return after; // one instance each: the apps listen on their ports themselves
        }
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

    /** Seconds since this stack began to start. */
    double elapsed() {
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

    /** Stops Kafka node {@code n} (from 1) cleanly and starts it again, waiting until it serves: a rolling restart. */
    public void restartKafkaNodeCleanly(int n) {
        if (n == 1) {
            restart(Part.KAFKA);
            return;
        }
        kafkaNode(n).ifPresent(process -> {
            extraBrokers.remove(process);
            process.stop(Duration.ofSeconds(60));
        });
        startKafkaNode(n);
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
                AppEnvironments.registry(settings, registryAccounts), List.of(), listener);
    }

    /** Every order-api instance, side by side; the first is the part's process, the others extras. */
    private Supervised startOrderApi(Supervised.Listener listener) throws IOException {
        return startInstances(listener, this::startOrderApiInstance);
    }

    private Supervised startDelivery(Supervised.Listener listener) throws IOException {
        return startInstances(listener, this::startDeliveryInstance);
    }

    private interface InstanceStarter {
        Supervised start(int n, Supervised.Listener listener) throws IOException;
    }

    private Supervised startInstances(Supervised.Listener listener, InstanceStarter starter) throws IOException {
        List<CompletableFuture<Void>> others = new ArrayList<>();
        for (int n = 2; n <= settings.instances(); n++) {
            int instance = n;
            others.add(CompletableFuture.runAsync(() -> {
                try {
                    starter.start(instance, process -> register(process, () -> extras.add(process)));
                } catch (IOException e) {
                    throw new StackException("instance " + instance + " failed to start: " + e, e);
                }
            }));
        }
        Supervised first = starter.start(1, listener);
        try {
            CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof StackException se ? se : e;
        }
        return first;
    }

    private Supervised startOrderApiInstance(int n, Supervised.Listener listener) throws IOException {
        String name = StackSettings.instanceName("order-api", n);
        return JavaApp.start(appHome, settings, name, "order-api", settings.orderApiInstancePort(n),
                AppEnvironments.orderApi(settings, registryAccounts), List.of(), listener);
    }

    private Supervised startDeliveryInstance(int n, Supervised.Listener listener) throws IOException {
        return startDeliveryInstance(StackSettings.instanceName("delivery", n), settings.deliveryInstancePort(n),
                Map.of(), listener);
    }

    /**
     * Another delivery-streams instance (another name, port and state directory) joining the same application id;
     * the stack stops it on close unless the caller stops it first.
     */
    public Supervised startExtraDeliveryInstance(String name, int port) throws IOException {
        return startExtraDeliveryInstance(name, port, Map.of());
    }

    /**
     * Another delivery-streams instance with settings of its own on top of the stack's ({@code env}, Spring's relaxed
     * binding: e.g. another application id and topics, so that it shares nothing with the stack's instance).
     */
    public Supervised startExtraDeliveryInstance(String name, int port, Map<String, String> env) throws IOException {
        return startDeliveryInstance(name, port, env, process -> register(process, () -> extras.add(process)));
    }

    private Supervised startDeliveryInstance(String name, int port, Map<String, String> env,
                                             Supervised.Listener listener) throws IOException {
        Map<String, String> all = new LinkedHashMap<>(AppEnvironments.delivery(settings, registryAccounts, name));
        all.putAll(env);
        return JavaApp.start(appHome, settings, name, "delivery-streams", port, all, List.of(), listener);
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

    /**
     * Starts a part that is not running (what it needs must be), as a first start does: Connect registers the
     * connector. For tests of a start in another order, such as orders placed before the connector ever ran.
     */
    public void start(Part part) {
        if (running.containsKey(part)) {
            throw new StackException(part.id() + " is already running");
        }
        part(part, CompletableFuture.completedFuture(null), starter(part, true)).join();
    }

    /**
     * The stack whose processes run in {@code settings}' state directory, started by another launcher: a handle to
     * restart its parts ({@link #restartRunning}); what it starts keeps running after this JVM exits.
     */
    public static Stack attach(StackSettings settings, PrintStream out) {
        if (PidFiles.live(settings).isEmpty()) {
            throw new StackException("no stack runs in " + settings.stateDir() + "; start it: ./stack start --detach");
        }
        GeneratedPasswords.DATABASE.loadOrCreate(settings.stateDir());
        return new Stack(settings, out, Map.of());
    }

    /**
     * Restarts a part of an {@linkplain #attach attached} stack: stops its process (named by its pid file), if it runs,
     * as {@code ./stack stop} would, then starts it as a restart does (Connect waits for its task, the connector is
     * registered already).
     */
    public void restartRunning(Part part) {
        restartRunning(part.id(), starter(part, false), part);
    }

    /**
     * Restarts an instance of an app ({@code order-api-2}) from the build in {@code home}: one step of a version
     * rollout. Later starts of the apps' instances take their jars from there too.
     */
    public void restartRunning(String name, Path home) {
        appHome = home;
        restartRunning(name);
    }

    /**
     * Restarts one process of an {@linkplain #attach attached} stack by its name: a part ({@code connect}) or an
     * instance of an app ({@code order-api-2}, {@code delivery}).
     */
    public void restartRunning(String name) {
        java.util.regex.Matcher instance = java.util.regex.Pattern.compile("(order-api|delivery)(?:-(\\d+))?")
                .matcher(name);
        if (instance.matches()) {
            int n = instance.group(2) == null ? 1 : Integer.parseInt(instance.group(2));
            if (n > settings.instances()) {
                throw new StackException(name + ": the stack runs " + settings.instances() + " instance(s) of "
                        + instance.group(1));
            }
            InstanceStarter starter = instance.group(1).equals("order-api") ? this::startOrderApiInstance
                    : this::startDeliveryInstance;
            Part part = instance.group(1).equals("order-api") ? Part.ORDER_API : Part.DELIVERY;
            restartRunning(name, l -> starter.start(n, l), n == 1 ? part : null);
            if (settings.instances() > 1) {
                long begin = System.nanoTime();
                Haproxy.awaitInRotation(settings, instance.group(1), name, Duration.ofSeconds(30));
                out.printf("[%5.1fs] %-16s in haproxy's rotation after %.1f s%n", elapsed(), name,
                        (System.nanoTime() - begin) / 1e9);
            }
        } else {
            restartRunning(Part.parse(name).iterator().next());
        }
    }

    private void restartRunning(String name, Starter starter, Part part) {
        ProcessHandle process = PidFiles.live(settings).get(name);
        if (process != null) {
            long begin = System.nanoTime();
            Supervised.stop(process, Duration.ofSeconds(30));
            out.printf("[%5.1fs] %-16s stopped in %.1f s%n", elapsed(), name, (System.nanoTime() - begin) / 1e9);
        } else {
            out.printf("[%5.1fs] %-16s was not running%n", elapsed(), name);
        }
        if (part != null) {
            part(part, CompletableFuture.completedFuture(null), starter).join();
        } else {
            long begin = System.nanoTime();
            out.printf("[%5.1fs] %-16s starting%n", elapsed(), name);
            try {
                starter.start(started -> register(started, () -> extras.add(started)));
            } catch (StackException e) {
                throw e;
            } catch (Exception e) {
                throw new StackException(name + " failed to start: " + e, e);
            }
            out.printf("[%5.1fs] %-16s ready in %.1f s%n", elapsed(), name, (System.nanoTime() - begin) / 1e9);
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
        for (Part part : Part.stopOrder()) {
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
