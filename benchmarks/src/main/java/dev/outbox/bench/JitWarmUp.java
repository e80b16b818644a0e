package dev.outbox.bench;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Load in 10-second rounds until the JIT compilers of the stack's JVMs go quiet (under 50 ms of CPU per second),
 * first at a low rate (100/s at most: a cold stack driven harder queues work faster than its JIT catches up), then
 * at the rate to be measured when that is higher, whose hotter paths are compiled again (measured: with the first
 * stage alone the compilers still used ~180 ms of CPU a second in a 250/s step). At most {@code limit} for both.
 * Nothing of it is counted: the rounds' statistics are thrown away.
 */
final class JitWarmUp {

    /** One round of load at {@code rate} for {@code duration}, counted in {@code stats}; returns once answered. */
    @FunctionalInterface
    interface Round {
        void run(double rate, Duration duration, StepStats stats) throws InterruptedException;
    }

    static final double QUIET_MS_PER_SECOND = 50;
    private static final Duration ROUND = Duration.ofSeconds(10);

    private JitWarmUp() {
    }

    /**
     * @param current told the statistics of each round as it starts (for a progress line), and null at the end
     */
    static void run(ProcessMeter meter, double rate, Duration limit, Round round, Consumer<StepStats> current)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        List<Double> stages = rate > 100 ? List.of(100.0, rate) : List.of(rate);
        for (double stage : stages) {
            System.out.printf("%n[JIT warm-up] %s/s until the compilers are quiet, %d s at most in all%n",
                    LoadBenchmark.fmt(stage), limit.toSeconds());
            for (int n = 1; System.nanoTime() < deadline; n++) {
                StepStats stats = new StepStats("JIT warm-up " + LoadBenchmark.fmt(stage) + "/s", stage);
                current.accept(stats);
                double before = meter.jitCpuSeconds();
                long t0 = System.nanoTime();
                round.run(stage, ROUND, stats);
                double jitPerSecond = (meter.jitCpuSeconds() - before) * 1000 / ((System.nanoTime() - t0) / 1e9);
                System.out.printf("[JIT warm-up] %s/s round %d: compilers used %.0f ms of CPU per second%n",
                        LoadBenchmark.fmt(stage), n, jitPerSecond);
                if (jitPerSecond < QUIET_MS_PER_SECOND) {
                    break;
                }
            }
        }
        current.accept(null);
    }
}
