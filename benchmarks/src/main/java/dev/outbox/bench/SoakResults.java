package dev.outbox.bench;

import java.util.List;
import java.util.Map;

/**
 * The figures of one soak, as written to {@code benchmarks/results/soak-<timestamp>.json}.
 *
 * @param rateFrom     where the rate came from (--rate, or the newest ./stack bench results)
 * @param commandEvery one accepted order in this many was taken through its delivery commands
 * @param stateDir     the stack's state directory, whose disk use the intervals show
 */
record SoakResults(String startedAt, String command, Results.Machine machine, Map<String, List<Long>> pids, double rate,
                   String rateFrom, double durationSeconds, double intervalSeconds, int commandEvery, String stateDir,
                   List<SoakInterval> intervals, SoakVerdict verdict) {
}
