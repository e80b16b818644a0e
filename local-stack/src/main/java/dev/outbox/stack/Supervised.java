package dev.outbox.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A server process of the stack: it writes its own log file, {@code logs/<name>.log}, rolled over by size (see
 * {@link LogLimits}: each part is configured so); what it prints on its standard output and error, which nothing
 * rolls over and should be little (the JVM's own words, a crash), goes to {@code logs/<name>.out}. Its pid and start
 * instant are written beside it ({@link PidFiles}); it is stopped by its own handle (TERM, then KILL after a grace
 * period).
 */
public final class Supervised {

    private final String name;
    private final Process process;
    private final Path log;
    private final Path console;
    private final Path pidFile;
    private final long logStart;

    private Supervised(String name, Process process, Path log, Path console, Path pidFile, long logStart) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.console = console;
        this.pidFile = pidFile;
        this.logStart = logStart;
    }

    /** Called with each process as soon as it is spawned, so that one which never gets ready is still stopped. */
    public interface Listener {
        void started(Supervised process);

        Listener NONE = process -> { };
    }

    public static Supervised start(String name, List<String> command, Map<String, String> env, Path workDir,
                                   StackSettings settings, Listener listener) throws IOException {
        Files.createDirectories(settings.logs());
        Path log = logOf(settings, name);
        Path console = settings.logs().resolve(name + ".out");
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()));
        builder.environment().putAll(env);
        Process process = builder.start();
        Path pidFile = PidFiles.file(settings, name);
        PidFiles.write(pidFile, process.toHandle());
        Supervised supervised = new Supervised(name, process, log, console, pidFile, logStart);
        listener.started(supervised);
        return supervised;
    }

    /** A java command line running {@code mainClass} with this JVM's own java binary. */
    public static List<String> java(List<String> jvmOptions, String classpath, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        if (classpath != null) {
            command.add("-cp");
            command.add(classpath);
        }
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }

    public String name() {
        return name;
    }

    /** The log file the process named {@code name} writes itself. */
    static Path logOf(StackSettings settings, String name) {
        return settings.logs().resolve(name + ".log");
    }

    public Path log() {
        return log;
    }

    /** Whether this run of the process (not an earlier one appending to the same log) has logged {@code text}. */
    public boolean logged(String text) {
        try (var file = new java.io.RandomAccessFile(log.toFile(), "r")) {
            // a log that was rolled over since the start is a new file: all of it is this run's
            long from = file.length() < logStart ? 0 : logStart;
            if (file.length() <= from) {
                return false;
            }
            file.seek(from);
            byte[] bytes = new byte[(int) (file.length() - from)];
            file.readFully(bytes);
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until {@code ready} holds; fails with the part's name, its log file and the log's last lines. */
    public void awaitReady(Duration timeout, BooleanSupplier ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new StackException(name + " exited with code " + process.exitValue()
                        + " before it was ready; see " + log + "\n" + tails());
            }
            try {
                if (ready.getAsBoolean()) {
                    return;
                }
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StackException("interrupted while waiting for " + name);
            }
        }
        throw new StackException(name + " was not ready within " + timeout.toSeconds() + " s; see " + log + "\n"
                + tails());
    }

    /**
     * SIGKILL at once, as a crash would end it: no shutdown hook runs and the pid file stays behind (the next start
     * replaces it). For fault tests; {@link #stop(Duration)} is the clean way.
     */
    public void kill() {
        ProcessHandle handle = process.toHandle();
        handle.descendants().forEach(ProcessHandle::destroyForcibly);
        handle.destroyForcibly();
        try {
            handle.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // nothing more can be done to a process that survives SIGKILL
        }
    }

    /** TERM, then KILL if it has not exited within {@code grace}. */
    public void stop(Duration grace) {
        stop(process.toHandle(), grace);
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException ignored) {
            // the pid file is advisory; a stale one is detected by the next start
        }
    }

    static void stop(ProcessHandle handle, Duration grace) {
        if (!handle.isAlive()) {
            return;
        }
        handle.destroy();
        try {
            handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception timedOut) {
            handle.descendants().forEach(ProcessHandle::destroyForcibly);
            handle.destroyForcibly();
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // nothing more can be done to a process that survives SIGKILL
            }
        }
    }

    /** The last lines of the log, and of the standard output when there is any (a JVM that failed to start). */
    private String tails() {
        String tails = tail(log, 25);
        try {
            if (Files.exists(console) && Files.size(console) > 0) {
                tails += "\n  " + console + ":\n" + tail(console, 10);
            }
        } catch (IOException ignored) {
            // the log's tail is what there is
        }
        return tails;
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return "    | " + String.join("\n    | ", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "    (no log: " + e.getMessage() + ")";
        }
    }
}
