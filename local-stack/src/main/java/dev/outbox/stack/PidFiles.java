package dev.outbox.stack;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The pid files under {@code <state>/pids}, one per process the stack spawned ({@code kafka.pid}, {@code delivery-2.pid}):
 * how a second launcher (./stack stop, status, a second start) finds the processes of a stack it did not start.
 *
 * <p>A pid file holds the pid on its first line and the process's start instant (epoch milliseconds) on its second:
 * a pid file left behind by a crashed stack may name a pid that the system has since given to an unrelated process,
 * and the start instant tells the two apart, so that ./stack stop never kills that process.
 */
final class PidFiles {

    /**
     * How far two readings of one process's start instant may differ: Linux gives it in clock ticks after a boot time
     * in whole seconds, which may be read again (and adjusted with the clock) by the next launcher.
     */
    private static final Duration START_TOLERANCE = Duration.ofSeconds(1);

    private PidFiles() {
    }

    static Path dir(StackSettings settings) {
        return settings.stateDir().resolve("pids");
    }

    static Path file(StackSettings settings, String name) {
        return dir(settings).resolve(name + ".pid");
    }

    /** Writes the pid file of a process just spawned. */
    static void write(Path file, ProcessHandle process) throws IOException {
        Files.createDirectories(file.getParent());
        // the pid alone on the first line, as other readers of pid files expect; the start instant where it is known
        String started = process.info().startInstant().map(instant -> instant.toEpochMilli() + "\n").orElse("");
        Files.writeString(file, process.pid() + "\n" + started);
    }

    /**
     * Processes named by pid files whose process still lives, by name; stale pid files (no such process, or another
     * process that has been given the pid since) are removed.
     */
    static Map<String, ProcessHandle> live(StackSettings settings) {
        Map<String, ProcessHandle> alive = new LinkedHashMap<>();
        Path dir = dir(settings);
        if (!Files.isDirectory(dir)) {
            return alive;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".pid")).sorted().toList()) {
                String name = file.getFileName().toString().replace(".pid", "");
                Optional<ProcessHandle> handle = Optional.empty();
                try {
                    handle = processNamedBy(file);
                } catch (NumberFormatException ignored) {
                    // unreadable pid file: treat as stale
                }
                if (handle.isPresent()) {
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

    /** The live process a pid file names, if it is the process the file was written for. */
    private static Optional<ProcessHandle> processNamedBy(Path file) throws IOException {
        String[] fields = Files.readString(file).strip().split("\\s+");
        if (fields.length > 2) {
            return Optional.empty(); // not a pid file
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(Long.parseLong(fields[0])).filter(ProcessHandle::isAlive);
        Optional<Instant> started = handle.flatMap(h -> h.info().startInstant());
        if (started.isEmpty()) {
            return handle; // gone, or a system that does not tell when a process started: the pid is all there is
        }
        if (fields.length == 2) {
            Instant written = Instant.ofEpochMilli(Long.parseLong(fields[1]));
            return Duration.between(written, started.get()).abs().compareTo(START_TOLERANCE) <= 0
                    ? handle : Optional.empty();
        }
        // A pid alone is what earlier launchers wrote: still accepted, so that ./stack stop stops a stack one of them
        // started (treating it as stale would leave that stack running, unseen, on its ports). The file was written
        // right after its process was spawned, so a process that started after the file was last modified has been
        // given the pid since.
        Instant written = Files.getLastModifiedTime(file).toInstant();
        return started.get().isAfter(written.plus(START_TOLERANCE)) ? Optional.empty() : handle;
    }

    /** Refuses to start a second stack on the same state directory while the first one's processes live. */
    static void refuseIfRunning(StackSettings settings) {
        List<String> alive = live(settings).entrySet().stream()
                .map(e -> e.getKey() + " (pid " + e.getValue().pid() + ")").toList();
        if (!alive.isEmpty()) {
            throw new StackException("the stack in " + settings.stateDir() + " is already running: "
                    + String.join(", ", alive) + ". Stop it first: ./stack stop");
        }
    }

    /** Stops every live process of the stack in {@code settings}' state directory, in {@link #stopOrder} order. */
    static void stopAll(StackSettings settings, PrintStream out) {
        Map<String, ProcessHandle> alive = live(settings);
        if (alive.isEmpty()) {
            out.println("nothing running in " + settings.stateDir());
            return;
        }
        for (String name : stopOrder(alive.keySet())) {
            ProcessHandle handle = alive.get(name);
            Supervised.stop(handle, Duration.ofSeconds(30));
            try {
                Files.deleteIfExists(file(settings, name));
            } catch (IOException ignored) {
                // stale pid files are cleaned by the next start
            }
            out.println("stopped " + name + " (pid " + handle.pid() + ")");
        }
    }

    /**
     * The order to stop processes in, by name: names of no part first, then part by part in
     * {@link Stack.Part#stopOrder()}, a part's extra processes ({@code kafka-3}, {@code kafka-2}, {@code delivery-2})
     * right before its own.
     */
    static List<String> stopOrder(Collection<String> names) {
        List<String> order = new ArrayList<>();
        names.stream().filter(n -> partOf(n).isEmpty()).sorted(Comparator.reverseOrder()).forEach(order::add);
        for (Stack.Part part : Stack.Part.stopOrder()) {
            names.stream().filter(n -> !n.equals(part.id()) && partOf(n).equals(Optional.of(part)))
                    .sorted(Comparator.reverseOrder()).forEach(order::add);
            if (names.contains(part.id())) {
                order.add(part.id());
            }
        }
        return order;
    }

    /** The part a process belongs to: the one it is named after ({@code kafka}), or whose extra it is ({@code kafka-2}). */
    private static Optional<Stack.Part> partOf(String name) {
        return Stream.of(Stack.Part.values())
                .filter(p -> name.equals(p.id()) || name.startsWith(p.id() + "-"))
                .max(Comparator.comparingInt(p -> p.id().length()));
    }
}
