package dev.outbox.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The figures of one benchmark run, as written to {@code benchmarks/results/<timestamp>.json}. */
public record Results(
        String startedAt,
        String command,
        Machine machine,
        Map<String, List<Long>> pids,
        Map<String, Double> idleCpuMsPerSecond,
        Baselines.Throughput rawDatabaseOneConnection,
        Baselines.Throughput rawDatabase,
        Baselines.Throughput trivialHttp,
        List<Step> sweep,
        double maxSustainableRate,
        double maxSustainableShareOfRawDatabase,
        Overload overload,
        Map<String, Double> rssMiB,
        double totalRssMiB) {

    public record Machine(int cores, double memoryGiB, String cpu, String os, String java) {

        /** The machine this JVM runs on: cores, memory, CPU model (from /proc/cpuinfo), OS and Java. */
        public static Machine ofThisHost() {
            String cpu = "unknown";
            try {
                cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                        .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
            } catch (IOException ignored) {
                // not Linux: the model stays unknown
            }
            long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getTotalMemorySize();
            return new Machine(Runtime.getRuntime().availableProcessors(),
                    LoadBenchmark.round(memory / (1024.0 * 1024 * 1024)), cpu,
                    System.getProperty("os.name") + " " + System.getProperty("os.version"),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        }
    }

    /** One load step; every latency is in milliseconds, CPU in milliseconds per accepted order. */
    record Step(
            String name,
            double targetRate,
            double measuredSeconds,
            long sent,
            long accepted,
            long refused503,
            long errors,
            long serverErrorsOtherThan503,
            Map<Integer, Long> otherStatus,
            long noAnswer,
            Latency.Percentiles post,
            Latency.Percentiles postAccepted,
            Latency.Percentiles postRefused,
            Latency.Percentiles acceptedToStatusTopic,
            Latency.Percentiles acceptedToView,
            long viewNeverSeen,
            long notOnStatusTopic,
            List<Long> projectionLag,
            Latency.Percentiles senderLateness,
            Map<String, Double> cpuMsPerOrder,
            double cpuMsPerOrderTotal,
            /** CPU the JIT compilers of the stack's JVMs used meanwhile (part of the CPU above), ms per second. */
            double jitCpuMsPerSecond,
            Map<String, Double> rssMiB,
            boolean sustainable,
            List<String> whyNot) {
    }

    record Overload(Step step, double acceptedPerSecond, double acceptedShareOfMax, double recoverySeconds) {
    }
}
