package dev.outbox.bench;

import java.util.Map;

/**
 * The state of the stack at one instant of the soak: what each process has used so far and holds now, what each
 * component has on disk, the idempotency table's size and the projection's lag.
 *
 * @param nanos       when ({@link System#nanoTime()})
 * @param cpuSeconds  CPU used so far, by process ({@link ProcessMeter})
 * @param rssMiB      resident memory now, by process
 * @param diskBytes   bytes allocated now, by component ({@link DiskUsage})
 * @param lag         records of order.events the projection had not committed; -1 if unknown
 */
record SoakSample(long nanos, Map<String, Double> cpuSeconds, Map<String, Double> rssMiB, Map<String, Long> diskBytes,
                  IdempotencyTable.Size idempotency, long lag) {
}
