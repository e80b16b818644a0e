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
            + " [--no-demo] | restart PART | stop | status | reset]";

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
    record Command(String name, boolean detach, Set<Part> parts, OptionalInt brokers, boolean demo) {

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
            for (String word : words.subList(Math.min(1, words.size()), words.size())) {
                if (word.startsWith("--brokers=")) {
                    brokers = OptionalInt.of(number("--brokers", word.substring("--brokers=".length())));
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
            return new Command(name, detach, infraOnly ? Part.INFRASTRUCTURE : parts, brokers, demo);
        }

        /** {@code restart PART [--brokers=N]}: exactly one part. */
        private static Command parseRestart(List<String> words) {
            Set<Part> part = null;
            OptionalInt brokers = OptionalInt.empty();
            for (String word : words) {
                if (word.startsWith("--brokers=")) {
                    brokers = OptionalInt.of(number("--brokers", word.substring("--brokers=".length())));
                } else if (word.startsWith("--") || part != null) {
                    throw new UsageException("unknown option '" + word + "' for restart");
                } else {
                    try {
                        part = Part.parse(word);
                    } catch (StackException e) {
                        throw new UsageException(e.getMessage());
                    }
                    if (part.size() != 1) {
                        throw new UsageException("restart takes one part, not '" + word + "'");
                    }
                }
            }
            if (part == null) {
                throw new UsageException("restart which part? one of " + String.join(", ",
                        java.util.Arrays.stream(Part.values()).map(Part::id).toList()));
            }
            return new Command("restart", true, part, brokers, false);
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
            return brokers.isPresent() ? settings.withKafkaBrokers(brokers.getAsInt()) : settings;
        }
    }

    public static void main(String[] args) {
        Path home = Path.of(System.getProperty("stack.home", ".")).toAbsolutePath().normalize();
        Command command;
        StackSettings settings;
        try {
            command = Command.parse(List.of(args));
            settings = command.applyTo(StackSettings.fromEnvironment(home));
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
            case "restart" -> restart(settings, command.parts().iterator().next(), out);
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
    private static void restart(StackSettings settings, Part part, PrintStream out) {
        Stack stack = Stack.attach(settings, out);
        long begin = System.nanoTime();
        stack.restartRunning(part);
        out.printf("%s restarted in %.1f s%n", part.id(), (System.nanoTime() - begin) / 1e9);
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

    static void printUrls(StackSettings s, boolean apps, PrintStream out) {
        out.println();
        if (apps) {
            out.println("  delivery board     " + s.deliveryUrl() + "/   (open it in a browser)");
            out.println("  order-api          " + s.orderApiUrl() + "/orders   (OpenAPI: " + s.orderApiUrl() + "/v3/api-docs)");
            out.println("  delivery-streams   " + s.deliveryUrl() + "/deliveries");
        }
        out.println("  schema registry    " + s.registryUrl() + "/subjects");
        out.println("  kafka connect      " + s.connectUrl() + "/connectors/" + Connect.CONNECTOR + "/status");
        out.println("  kafka bootstrap    " + s.kafkaBootstrap());
        out.println("  mariadb            " + s.host() + ":" + s.mariadbPort() + "  (database orders, user orders;"
                + " passwords in " + s.dbPasswordsFile() + ")");
        out.println("  logs               " + s.logs());
    }
}
