package dev.outbox.stack;

import dev.outbox.stack.Stack.Part;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The launcher's command line, behind {@code ./stack start | stop | status | reset}: reads the words, runs the
 * command on a {@link Stack} (start) or on the pid files of one already running (stop, status, reset), and prints
 * the URLs. Exit codes: 2 for words it does not understand or settings it cannot use, 1 when the command fails.
 */
public final class StackCli {

    static final String USAGE = "usage: stack [start [--detach] [--infra-only | --parts=mariadb,kafka,...] [--brokers=1|3]"
            + " [--instances=1|2] [--no-demo] | restart PART|INSTANCE | stop | status | reset]";

    private StackCli() {
    }

    /** Words the command line does not understand; the message says which. */
    static final class UsageException extends IllegalArgumentException {
        UsageException(String message) {
            super(message);
        }
    }

    /**
     * What the words ask for: the command, and for {@code start} whether to detach, which parts and whether to place
     * the demo order. {@code --brokers=N} is read by every command (it moves the Kafka ports the URLs show).
     */
    record Command(String name, boolean detach, Set<Part> parts, OptionalInt brokers, boolean demo,
                   OptionalInt instances, String target) {

        static Command parse(List<String> words) {
            String name = words.isEmpty() ? "start" : words.get(0);
            if (!List.of("start", "restart", "stop", "status", "reset").contains(name)) {
                throw new UsageException("unknown command '" + name + "'");
            }
            if (name.equals("restart")) {
                return parseRestart(words.subList(1, words.size()));
            }
            boolean start = name.equals("start");
            boolean detach = false;
            boolean demo = true;
            boolean infraOnly = false;
            Set<Part> parts = Part.ALL;
            OptionalInt brokers = OptionalInt.empty();
            OptionalInt instances = OptionalInt.empty();
            for (String word : words.subList(Math.min(1, words.size()), words.size())) {
                if (word.startsWith("--brokers=")) {
                    brokers = OptionalInt.of(number("--brokers", word.substring("--brokers=".length())));
                } else if (word.startsWith("--instances=")) {
                    instances = OptionalInt.of(number("--instances", word.substring("--instances=".length())));
                } else if (start && word.equals("--detach")) {
                    detach = true;
                } else if (start && word.equals("--no-demo")) {
                    demo = false;
                } else if (start && word.equals("--infra-only")) {
                    infraOnly = true;
                } else if (start && word.startsWith("--parts=")) {
                    try {
                        parts = Part.parse(word.substring("--parts=".length()));
                    } catch (StackException e) {
                        throw new UsageException(e.getMessage());
                    }
                } else {
                    throw new UsageException("unknown option '" + word + "' for " + name);
                }
            }
            // --infra-only wins over --parts=
            return new Command(name, detach, infraOnly ? Part.INFRASTRUCTURE : parts, brokers, demo, instances, null);
        }

        /** {@code restart PART|INSTANCE [--brokers=N] [--instances=N]}: one part, or one instance of an app. */
        private static Command parseRestart(List<String> words) {
            String target = null;
            OptionalInt brokers = OptionalInt.empty();
            OptionalInt instances = OptionalInt.empty();
            for (String word : words) {
                if (word.startsWith("--brokers=")) {
                    brokers = OptionalInt.of(number("--brokers", word.substring("--brokers=".length())));
                } else if (word.startsWith("--instances=")) {
                    instances = OptionalInt.of(number("--instances", word.substring("--instances=".length())));
                } else if (word.startsWith("--") || target != null) {
                    throw new UsageException("unknown option '" + word + "' for restart");
                } else if (word.matches("(order-api|delivery)-[2-9]")) {
                    target = word;
                } else {
                    Set<Part> part;
                    try {
                        part = Part.parse(word);
                    } catch (StackException e) {
                        throw new UsageException(e.getMessage() + ", or an app's instance: order-api-2, delivery-2");
                    }
                    if (part.size() != 1) {
                        throw new UsageException("restart takes one part, not '" + word + "'");
                    }
                    target = word;
                }
            }
            if (target == null) {
                throw new UsageException("restart which part? one of " + String.join(", ",
                        java.util.Arrays.stream(Part.values()).map(Part::id).toList())
                        + ", or an app's instance: order-api-2, delivery-2");
            }
            return new Command("restart", true, Part.ALL, brokers, false, instances, target);
        }

        private static int number(String option, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new UsageException(option + " takes a number, got '" + value + "'");
            }
        }

        /** {@code settings} with what the words override ({@code --brokers=}). */
        StackSettings applyTo(StackSettings settings) {
            StackSettings applied = brokers.isPresent() ? settings.withKafkaBrokers(brokers.getAsInt()) : settings;
            return instances.isPresent() ? applied.withInstances(instances.getAsInt()) : applied;
        }
    }

    public static void main(String[] args) {
        Path home = Path.of(System.getProperty("stack.home", ".")).toAbsolutePath().normalize();
        Command command;
        StackSettings settings;
        try {
            command = Command.parse(List.of(args));
            StackSettings configured = StackSettings.fromEnvironment(home);
            // restart and status work on the stack that runs, as it was started
            settings = command.applyTo(command.name().equals("start") ? configured : Topology.of(configured));
        } catch (UsageException e) {
            System.err.println("stack: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("stack: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            run(command, settings, System.out);
        } catch (StackException e) {
            System.err.println("\nstack: " + e.getMessage());
            System.exit(1);
        }
    }

    static void run(Command command, StackSettings settings, PrintStream out) {
        switch (command.name()) {
            case "start" -> start(settings, command.detach(), command.parts(), command.demo(), out);
            case "restart" -> restart(settings, command.target(), out);
            case "stop" -> PidFiles.stopAll(settings, out);
            case "status" -> status(settings, out);
            case "reset" -> {
                PidFiles.stopAll(settings, out);
                Stack.deleteTree(settings.stateDir());
                out.println("state removed: " + settings.stateDir());
            }
            default -> throw new IllegalStateException("not a command: " + command.name());
        }
    }

    private static void start(StackSettings settings, boolean detach, Set<Part> wanted, boolean demo, PrintStream out) {
        out.println("Starting the local stack (state: " + settings.stateDir() + ")");
        Stack stack = Stack.start(settings, wanted, out);
        boolean infraOnly = stack.process(Part.ORDER_API).isEmpty();
        CountDownLatch stopped = new CountDownLatch(1);
        if (!detach) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                out.println("\nStopping the local stack ...");
                stack.close();
                stopped.countDown();
            }, "stack-shutdown"));
        }
        double total = stack.elapsed();
        double infra = stack.startupSeconds().entrySet().stream().filter(e -> Part.INFRASTRUCTURE.contains(e.getKey()))
                .mapToDouble(Map.Entry::getValue).max().orElse(0);
        out.printf("%nStack ready in %.1f s (slowest infrastructure part %.1f s).%n", total, infra);
        // the URLs first, the board's at their head: the demo order below can then be watched arriving on it
        printUrls(settings, !infraOnly, out);
        if (demo && !infraOnly) {
            Demo.placeOrder(settings, out);
        }
        if (detach) {
            out.println("\nRunning in the background. Stop with: ./stack stop");
            return;
        }
        out.println("\nPress Ctrl-C to stop everything.");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops one part of a running stack (TERM, so it finishes what it has accepted) and starts it again with the
     * stack's settings, waiting until it is ready, as a deploy of that part would.
     */
    private static void restart(StackSettings settings, String target, PrintStream out) {
        Stack stack = Stack.attach(settings, out);
        long begin = System.nanoTime();
        stack.restartRunning(target);
        out.printf("%s restarted in %.1f s%n", target, (System.nanoTime() - begin) / 1e9);
    }

    private static void status(StackSettings settings, PrintStream out) {
        Map<String, ProcessHandle> alive = PidFiles.live(settings);
        if (alive.isEmpty()) {
            out.println("not running (state: " + settings.stateDir() + ")");
            return;
        }
        alive.forEach((name, handle) -> out.println("running  " + name + " (pid " + handle.pid() + ")"));
        printUrls(settings, alive.containsKey("order-api"), out);
    }

    private static String ports(int instances, java.util.function.IntUnaryOperator port) {
        return String.join(", ", java.util.stream.IntStream.rangeClosed(1, instances)
                .mapToObj(n -> Integer.toString(port.applyAsInt(n))).toList());
    }

    static void printUrls(StackSettings s, boolean apps, PrintStream out) {
        out.println();
        if (apps) {
            out.println("  delivery board     " + s.deliveryUrl() + "/   (open it in a browser)");
            out.println("  order-api          " + s.orderApiUrl() + "/orders   (OpenAPI: " + s.orderApiUrl() + "/v3/api-docs)");
            out.println("  delivery-streams   " + s.deliveryUrl() + "/deliveries");
            if (s.balanced()) {
                out.println("  (HAProxy on those ports; order-api instances on " + ports(s.instances(), s::orderApiInstancePort)
                        + ", delivery-streams instances on " + ports(s.instances(), s::deliveryInstancePort) + ")");
            }
        }
        out.println("  schema registry    " + s.registryUrl() + "/subjects  (users admin, writer, reader; passwords in "
                + s.registryPasswordsFile() + ")");
        out.println("  kafka connect      " + s.connectUrl() + "/connectors/" + Connect.CONNECTOR + "/status  (user "
                + Connect.ADMIN + "; password in " + s.connectPasswordsFile() + ")");
        out.println("  kafka bootstrap    " + s.kafkaBootstrap());
        out.println("  mariadb            " + s.host() + ":" + s.mariadbPort() + "  (database orders, user orders;"
                + " passwords in " + s.dbPasswordsFile() + ")");
        out.println("  logs               " + s.logs());
    }
}
