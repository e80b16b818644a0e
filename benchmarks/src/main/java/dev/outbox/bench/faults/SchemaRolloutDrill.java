package dev.outbox.bench.faults;

import dev.outbox.bench.LoadClient;
import dev.outbox.bench.Results;
import dev.outbox.bench.ResultsJson;
import dev.outbox.events.order.OrderPlaced;
import dev.outbox.schemas.SchemaEvolutionCheck;
import dev.outbox.stack.Stack;
import dev.outbox.stack.StackSettings;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.avro.Schema;

/**
 * A live schema rollout, as a team would do it, on a private stack (two instances of each app behind HAProxy) while
 * orders flow: the apps start on the previous version (OrderPlaced v2, built from git in a worktree of its own), then
 * one order-api instance is restarted on the new one (v3, its optional {@code giftMessage}) while the other still
 * writes v2, then the delivery-streams instances one by one (new readers of old and new events), then the last
 * order-api instance; only then do clients send the new field. Old consumers ignore it, new ones default it to null
 * when an old producer wrote; nothing is dead-lettered, no request fails, and the views show the field. Then a
 * breaking change of the field is refused by the build's check and by the live registry, each naming the field.
 *
 * <p>{@code ./stack schema-drill}; {@code --help} lists the options. Results in
 * {@code benchmarks/results/schema-rollout-<timestamp>.md} and {@code .json}.
 */
public final class SchemaRolloutDrill {

    static final String USAGE = """
            usage: ./stack schema-drill [options]
              --rate=R           orders per second all along (default 50)
              --phase=20s        how long each step runs under load before the next
              --base=REV         the git revision of the previous version (default: the commit before the one that
                                 released OrderPlaced v3)
              --warm-up=true     whether the apps warm up before they are ready (as in a real deploy)
              --results=DIR      where schema-rollout-<timestamp>.md and .json go (default benchmarks/results)
              --state-dir=DIR    the private stack's state (default benchmarks/target/schema-drill/stack)""";

    static final String GIFT_MESSAGE = "Happy birthday!";
    private static final String SUBJECT = OrderPlaced.getClassSchema().getFullName();
    private static final Duration SETTLE = Duration.ofSeconds(120);

    /** One step of the rollout and what the clients saw meanwhile. */
    public record Step(String name, long accepted, long refused, long unanswered, long serverErrors, long otherAnswers,
                       long commandServerErrors) {
    }

    /** What the drill found. */
    public record Report(String startedAt, String command, Results.Machine machine, String baseRevision, double rate,
                         List<Step> steps, long lost, long appliedTwice, long deadLetters, long registryVersions,
                         long giftMessagesShown, long giftMessagesExpected, long oldOrdersDefaulted, String buildRefusal,
                         String registryRefusal, boolean passed, String markdown) {
    }

    public record Options(double rate, Duration phase, String base, boolean warmUp, Path results, Path stateDir) {

        public static Options parse(String[] args, Path home) {
            Map<String, String> given = new LinkedHashMap<>();
            for (String arg : args) {
                if (!arg.startsWith("--") || !arg.contains("=")) {
                    throw new IllegalArgumentException("unknown argument '" + arg + "'");
                }
                given.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            }
            List<String> known = List.of("rate", "phase", "base", "warm-up", "results", "state-dir");
            given.keySet().stream().filter(k -> !known.contains(k)).findFirst().ifPresent(k -> {
                throw new IllegalArgumentException("unknown option --" + k);
            });
            return new Options(Double.parseDouble(given.getOrDefault("rate", "50")),
                    Duration.ofSeconds(Long.parseLong(given.getOrDefault("phase", "20s").replace("s", ""))),
                    given.get("base"), Boolean.parseBoolean(given.getOrDefault("warm-up", "true")),
                    home.resolve(given.getOrDefault("results", "benchmarks/results")),
                    home.resolve(given.getOrDefault("state-dir", "benchmarks/target/schema-drill/stack")));
        }
    }

    private SchemaRolloutDrill() {
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
            System.err.println("schema-drill: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        Report report = run(options, home, ("./stack schema-drill " + String.join(" ", args)).trim());
        System.out.println("\n" + report.markdown());
        System.exit(report.passed() ? 0 : 1);
    }

    /** Builds the previous version, runs the rollout on a private stack and writes the results. */
    public static Report run(Options options, Path home, String command) throws Exception {
        String startedAt = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        String base = options.base() != null ? options.base() : previousVersion(home);
        Path baseHome = options.stateDir().resolveSibling("base");
        buildPreviousVersion(home, base, baseHome);

        Stack.deleteTree(options.stateDir());
        Map<String, Integer> ports = FaultHarness.privateStackPorts(1);
        StackSettings settings = StackSettings.fromEnvironment(home).withStateDir(options.stateDir()).withPorts(ports)
                .withInstances(2).withWarmUp(options.warmUp());
        System.out.printf("[schema-drill] a private stack in %s with the apps of %s (OrderPlaced v2)%n",
                options.stateDir(), base);
        List<Step> steps = new ArrayList<>();
        try (Stack stack = Stack.start(settings, Stack.Part.ALL, System.out, baseHome);
             LoadClient http = new LoadClient()) {
            Ledger ledger = new Ledger(settings.ordersJdbcUrl(), "orders", settings.ordersDbPassword(),
                    settings.deliveryUrl(), settings.kafkaBootstrap(), "order.events", "delivery.dlq");
            List<Traffic.Phase> phases = new ArrayList<>();
            try (Traffic traffic = new Traffic(http, settings.orderApiUrl(), settings.deliveryUrl(),
                    settings.kafkaBootstrap(), "delivery.status", 10)) {
                Ledger.Snapshot before = ledger.read();
                step(steps, phases, traffic, options, "v2 everywhere", () -> { });
                step(steps, phases, traffic, options, "order-api-2 on v3 (order-api still writes v2)",
                        () -> stack.restartRunning("order-api-2", home));
                step(steps, phases, traffic, options, "delivery-2 on v3", () -> stack.restartRunning("delivery-2"));
                step(steps, phases, traffic, options, "delivery on v3", () -> stack.restartRunning("delivery"));
                Traffic.Phase lastV2Writers = phases.get(phases.size() - 1);
                step(steps, phases, traffic, options, "order-api on v3", () -> stack.restartRunning("order-api"));
                traffic.giftMessage(GIFT_MESSAGE);
                step(steps, phases, traffic, options, "v3 everywhere, clients send giftMessage", () -> { });
                Traffic.Phase withGift = phases.get(phases.size() - 1);
                traffic.awaitQuiet(SETTLE);
                traffic.awaitAllOnStatusTopic(phases, SETTLE);
                Ledger.Snapshot after = ledger.read();

                List<String> accepted = phases.stream().flatMap(p -> Traffic.snapshot(p).stream())
                        .map(a -> a.orderId).filter(java.util.Objects::nonNull).toList();
                long lost = accepted.stream().filter(id -> !after.databaseOrders().contains(id)
                        || !after.views().containsKey(id)).count();
                long twice = after.views().values().stream().filter(Ledger.View::appliedTwice).count()
                        - before.views().values().stream().filter(Ledger.View::appliedTwice).count();
                long deadLetters = after.deadLetters() - before.deadLetters();
                List<String> gifted = sample(withGift, 50);
                long shown = gifted.stream().map(id -> viewOf(http, settings, id))
                        .filter(view -> view != null && giftMessageIn(view).equals(java.util.Optional.of(GIFT_MESSAGE)))
                        .count();
                // orders an order-api of the previous version wrote, projected by a delivery of the new one
                List<String> old = sample(lastV2Writers, 50);
                long defaulted = old.stream().map(id -> viewOf(http, settings, id))
                        .filter(view -> view != null && giftMessageIn(view).isEmpty()).count();
                long versions = registryVersions(settings);
                String buildRefusal = buildRefusal(home);
                String registryRefusal = registryRefusal(settings);
                boolean clientsFine = steps.stream().allMatch(s -> s.serverErrors() == 0 && s.unanswered() == 0
                        && s.otherAnswers() == 0 && s.commandServerErrors() == 0);
                boolean passed = lost == 0 && twice == 0 && deadLetters == 0 && clientsFine && shown == gifted.size()
                        && !gifted.isEmpty() && defaulted == old.size() && versions >= 2
                        && buildRefusal.contains("giftMessage") && registryRefusal.contains("giftMessage");
                String markdown = markdown(startedAt, command, base, options, steps, lost, twice, deadLetters, versions,
                        shown, gifted.size(), defaulted, old.size(), buildRefusal, registryRefusal, passed);
                Report report = new Report(startedAt, command, Results.Machine.ofThisHost(), base, options.rate(),
                        steps, lost, twice, deadLetters, versions, shown, gifted.size(), defaulted, buildRefusal,
                        registryRefusal, passed, markdown);
                write(options, startedAt, report);
                return report;
            }
        }
    }

    private interface Action {
        void run() throws Exception;
    }

    /** Orders at the rate for a phase; the action (a restart) runs a few seconds into it, load going on. */
    private static void step(List<Step> steps, List<Traffic.Phase> phases, Traffic traffic, Options options,
                             String name, Action action) throws Exception {
        System.out.printf("%n[schema-drill] %s, under %s orders/s%n", name, options.rate());
        Traffic.Phase phase = new Traffic.Phase(name);
        phases.add(phase);
        java.util.concurrent.atomic.AtomicBoolean acting = new java.util.concurrent.atomic.AtomicBoolean(true);
        long end = System.nanoTime() + options.phase().toNanos();
        Thread load = new Thread(() -> traffic.place(phase, options.rate(),
                () -> acting.get() || System.nanoTime() < end), "schema-drill-load");
        load.start();
        try {
            Thread.sleep(3_000);
            action.run();
        } finally {
            acting.set(false);
            load.join();
        }
        List<Traffic.Attempt> attempts = Traffic.snapshot(phase);
        traffic.awaitQuiet(Duration.ofSeconds(30));
        Step step = new Step(name, attempts.stream().filter(a -> a.orderId != null).count(),
                attempts.stream().filter(a -> a.status == 503).count(),
                attempts.stream().filter(a -> a.status == 0).count(),
                attempts.stream().filter(a -> a.status >= 500 && a.status != 503).count(),
                attempts.stream().filter(a -> a.status == -2 || (a.status >= 400 && a.status < 500)).count(),
                phase.commandServerErrors.sum());
        steps.add(step);
        System.out.printf("[schema-drill] %s: %d accepted, %d refused (503), %d unanswered, %d other 5xx, %d 4xx%n",
                name, step.accepted(), step.refused(), step.unanswered(), step.serverErrors(), step.otherAnswers());
    }

    private static List<String> sample(Traffic.Phase phase, int n) {
        List<String> ids = Traffic.snapshot(phase).stream().map(a -> a.orderId).filter(java.util.Objects::nonNull)
                .collect(Collectors.toList());
        java.util.Collections.shuffle(ids, new java.util.Random(7));
        return List.copyOf(ids.subList(0, Math.min(n, ids.size())));
    }

    /** The order's view as JSON, or null when it could not be read. */
    private static String viewOf(LoadClient http, StackSettings s, String orderId) {
        try {
            LoadClient.Answer answer = http.getWithBody(s.deliveryUrl() + "/deliveries/" + orderId)
                    .get(10, TimeUnit.SECONDS);
            return answer.status() == 200 ? answer.body() : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** A view's giftMessage; empty when it has none (null in the JSON). */
    static java.util.Optional<String> giftMessageIn(String view) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"giftMessage\"\\s*:\\s*\"([^\"]*)\"")
                .matcher(view);
        return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }

    /** The commit before the one that released OrderPlaced v3: the apps of the previous version. */
    static String previousVersion(Path home) throws IOException, InterruptedException {
        String released = git(home, "log", "-n", "1", "--format=%H", "--",
                "schemas/src/main/released/" + SUBJECT + "/v3.avsc").strip();
        if (released.isEmpty()) {
            throw new IllegalStateException("no commit released " + SUBJECT + " v3 in " + home
                    + " (a shallow clone? the drill needs the history): pass --base=REV");
        }
        return git(home, "rev-parse", released + "^").strip();
    }

    /** A worktree of the project at {@code rev}, with its apps' jars built (once; reused when there). */
    static void buildPreviousVersion(Path home, String rev, Path dir) throws IOException, InterruptedException {
        Path marker = dir.resolve(".built-" + rev);
        if (Files.exists(marker)) {
            System.out.println("[schema-drill] previous version " + rev + " already built in " + dir);
            return;
        }
        Stack.deleteTree(dir);
        git(home, "worktree", "prune");
        git(home, "worktree", "add", "--detach", "--force", dir.toString(), rev);
        System.out.println("[schema-drill] building the previous version (" + rev + ") in " + dir
                + ": its order-api and delivery-streams, a few minutes ...");
        Process build = new ProcessBuilder(dir.resolve("mvnw").toString(), "-q", "-B", "-DskipTests", "package",
                "-pl", "order-api,delivery-streams", "-am")
                .directory(dir.toFile()).inheritIO().start();
        if (build.waitFor() != 0) {
            throw new IllegalStateException("the build of " + rev + " in " + dir + " failed");
        }
        Files.writeString(marker, rev);
    }

    private static String git(Path home, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", home.toString()));
        command.addAll(List.of(args));
        Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (git.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out.strip());
        }
        return out;
    }

    /** The breaking change (giftMessage a number, not a string) as the schema the build would compile. */
    static Schema breakingChange() {
        String current = OrderPlaced.getClassSchema().toString();
        String broken = current.replace("{\"name\":\"giftMessage\",\"type\":[\"null\",{\"type\":\"string\",\"avro.java.string\":\"String\"}]",
                "{\"name\":\"giftMessage\",\"type\":[\"null\",\"int\"]");
        if (broken.equals(current)) {
            broken = current.replace("{\"name\":\"giftMessage\",\"type\":[\"null\",\"string\"]",
                    "{\"name\":\"giftMessage\",\"type\":[\"null\",\"int\"]");
        }
        if (broken.equals(current)) {
            throw new IllegalStateException("giftMessage not found in " + current);
        }
        return new Schema.Parser().parse(broken);
    }

    /** What the build's check says of the breaking change against the released v3. */
    static String buildRefusal(Path home) throws IOException {
        Path released = home.resolve("schemas/src/main/released").resolve(SUBJECT).resolve("v3.avsc");
        Schema v3 = new Schema.Parser().parse(Files.readString(released));
        return String.join("\n", SchemaEvolutionCheck.check(SUBJECT + " v3.avsc", v3, breakingChange())).strip();
    }

    /** What the live registry answers to the breaking change registered under OrderPlaced's subject. */
    static String registryRefusal(StackSettings s) throws IOException, InterruptedException {
        String body = "{\"schema\":" + tools.jackson.databind.json.JsonMapper.builder().build()
                .writeValueAsString(breakingChange().toString()) + "}";
        String auth = Base64.getEncoder().encodeToString(s.registryAccounts().writerUserInfo()
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(s.registryUrl() + "/subjects/" + SUBJECT + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .header("Authorization", "Basic " + auth)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() + " " + answer.body();
    }

    private static long registryVersions(StackSettings s) throws IOException, InterruptedException {
        String auth = Base64.getEncoder().encodeToString(s.registryAccounts().writerUserInfo()
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(s.registryUrl() + "/subjects/" + SUBJECT + "/versions"))
                .header("Authorization", "Basic " + auth).GET().build(), HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() == 200 ? answer.body().chars().filter(c -> c == ',').count() + 1 : 0;
    }

    private static String markdown(String startedAt, String command, String base, Options options, List<Step> steps,
                                   long lost, long twice, long deadLetters, long versions, long shown, long expected,
                                   long defaulted, long oldSampled, String buildRefusal, String registryRefusal,
                                   boolean passed) {
        StringBuilder md = new StringBuilder("# Live schema rollout, ").append(startedAt).append("\n\n")
                .append("Command: `").append(command).append("`. Previous version: `").append(base)
                .append("` (OrderPlaced v2); new: this checkout (v3, optional `giftMessage`). Orders at ")
                .append(options.rate()).append("/s with Idempotency-Keys all along, one in ten taken through its delivery"
                        + " commands; each step ").append(options.phase().toSeconds()).append(" s or its restart.\n\n")
                .append("| step | accepted | 503 | no answer | other 5xx | 4xx | command 5xx |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (Step s : steps) {
            md.append("| ").append(s.name()).append(" | ").append(s.accepted()).append(" | ").append(s.refused())
                    .append(" | ").append(s.unanswered()).append(" | ").append(s.serverErrors()).append(" | ")
                    .append(s.otherAnswers()).append(" | ").append(s.commandServerErrors()).append(" |\n");
        }
        md.append("\n- lost (accepted, not in the database or the projection): ").append(lost)
                .append("\n- applied twice: ").append(twice)
                .append("\n- dead-lettered: ").append(deadLetters)
                .append("\n- versions of `").append(SUBJECT).append("` in the registry: ").append(versions)
                .append("\n- views showing the gift message (sample of the last step): ").append(shown).append(" of ")
                .append(expected)
                .append("\n- orders written by the previous order-api, projected by the new delivery-streams with the"
                        + " field defaulted to null (sample): ").append(defaulted).append(" of ").append(oldSampled)
                .append("\n- the build's check of a breaking change (giftMessage a number):\n\n```\n")
                .append(buildRefusal).append("\n```\n")
                .append("- the live registry's answer to it:\n\n```\n").append(registryRefusal).append("\n```\n\n")
                .append(passed ? "**Passed.**\n" : "**Failed.**\n");
        return md.toString();
    }

    private static void write(Options options, String startedAt, Report report) throws IOException {
        Files.createDirectories(options.results());
        String name = "schema-rollout-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                .format(Instant.parse(startedAt));
        Files.writeString(options.results().resolve(name + ".md"), report.markdown());
        ResultsJson.write(options.results().resolve(name + ".json"), report);
        System.out.println("[schema-drill] results: " + options.results().resolve(name + ".md"));
    }
}
