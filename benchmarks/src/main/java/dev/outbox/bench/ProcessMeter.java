package dev.outbox.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time and resident memory of the stack's processes, read from {@code /proc}: the parts' pids come from the
 * local stack's pid files, the load generator is this JVM. A part that runs as several processes (an app's instances
 * {@code order-api}, {@code order-api-2}; Kafka's nodes) is metered as their sum. CPU is user + system time in clock
 * ticks (100 per second on Linux), so a window's CPU divided by the orders in it is CPU per order.
 */
final class ProcessMeter {

    /** The parts in the order tables show them; pid file names of the local stack. */
    static final List<String> PARTS = List.of("mariadb", "kafka", "connect", "registry", "order-api", "delivery",
            "haproxy");
    static final String LOAD_GENERATOR = "load-generator";
    private static final double TICKS_PER_SECOND = 100.0;

    private final Map<String, List<Long>> pids = new LinkedHashMap<>();

    /** The processes named in {@code pidDir} (missing ones are left out: a stack elsewhere has no pid files here). */
    ProcessMeter(Path pidDir) {
        for (String part : PARTS) {
            List<Long> found = new java.util.ArrayList<>();
            try (Stream<Path> files = Files.list(pidDir)) {
                for (Path file : files.sorted().toList()) {
                    String name = file.getFileName().toString().replace(".pid", "");
                    if (name.equals(part) || name.matches(java.util.regex.Pattern.quote(part) + "-\\d+")) {
                        alivePid(file).ifPresent(found::add);
                    }
                }
            } catch (IOException e) {
                // no pid files here: a stack elsewhere, measured without its parts
            }
            if (!found.isEmpty()) {
                pids.put(part, List.copyOf(found));
            }
        }
        pids.put(LOAD_GENERATOR, List.of(ProcessHandle.current().pid()));
    }

    /** The pid in a pid file (its first line; the process's start instant follows) when that process lives. */
    private static java.util.Optional<Long> alivePid(Path file) {
        try {
            long pid = Long.parseLong(Files.readString(file).strip().split("\\s+")[0]);
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
        } catch (IOException | NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    Map<String, List<Long>> pids() {
        return pids;
    }

    /** CPU seconds used so far by each part (its processes summed). */
    Map<String, Double> cpuSeconds() {
        Map<String, Double> cpu = new LinkedHashMap<>();
        pids.forEach((name, list) -> cpu.put(name, list.stream().mapToDouble(ProcessMeter::readCpu).sum()));
        return cpu;
    }

    /**
     * CPU seconds the JIT compilers of the metered JVMs have used so far (threads named "C1/C2 CompilerThread"):
     * while they are busy, the stack is still warming up and its CPU per order says more about the JIT than about it.
     */
    double jitCpuSeconds() {
        double total = 0;
        for (long pid : pids.values().stream().flatMap(List::stream).toList()) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        if (Files.readString(task.resolve("comm")).startsWith("C")
                                && Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                            total += cpuOf(Files.readString(task.resolve("stat")));
                        }
                    } catch (IOException | RuntimeException e) {
                        // the thread ended meanwhile
                    }
                }
            } catch (IOException e) {
                // the process ended: nothing to add
            }
        }
        return total;
    }

    /** Resident set size of each part (its processes summed), in MiB. */
    Map<String, Double> rssMiB() {
        Map<String, Double> rss = new LinkedHashMap<>();
        pids.forEach((name, list) -> rss.put(name, list.stream().mapToDouble(ProcessMeter::readRss).sum()));
        return rss;
    }

    static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> d = new LinkedHashMap<>();
        after.forEach((name, value) -> d.put(name, value - before.getOrDefault(name, value)));
        return d;
    }

    private static double readCpu(long pid) {
        try {
            return cpuOf(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** utime + stime of a /proc stat line, in seconds. */
    private static double cpuOf(String stat) {
        // the command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    private static double readRss(long pid) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0).orElse(Double.NaN);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
