package dev.outbox.bench;

import java.util.List;
import java.util.Map;

/** The figures of one benchmark run, as written to {@code benchmarks/results/<timestamp>.json}. */
public record Results(
        String startedAt,
        String command,
        Machine machine,
        Map<String, Long> pids,
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
