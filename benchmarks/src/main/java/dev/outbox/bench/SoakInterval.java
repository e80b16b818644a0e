package dev.outbox.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The figures of one soak interval, as written to {@code soak-<timestamp>.json}: its orders and their way through the
 * pipeline, its delivery commands, and what the stack's processes and disks did meanwhile. Latencies in milliseconds.
 *
 * @param index        1 for the first interval
 * @param startSeconds when it began, seconds after the soak began
 * @param rssMiB       by process, at the end of the interval
 * @param cpuMsPerOrder CPU used in the interval by each process, per order accepted in it (all the traffic: the
 *                     orders, the sampled view probes, the delivery commands)
 * @param lag          the projection's lag on order.events at the end of the interval
 */
record SoakInterval(int index, double startSeconds, double seconds, Orders orders, Commands commands,
                    Map<String, Double> rssMiB, Map<String, Double> cpuMsPerOrder, double cpuMsPerOrderTotal,
                    Disk disk, long lag) {

    /**
     * The orders due in the interval, whenever they were answered.
     *
     * @param otherErrors      answers other than 201 and 503
     * @param notOnStatusTopic accepted, and not on delivery.status when the interval was closed
     * @param senderLateness   how late the load generator sent its requests: it kept up while this stays small
     */
    record Orders(long sent, long accepted, double acceptedPerSecond, long refused503, long otherErrors, long noAnswer,
                  Latency.Percentiles post, Latency.Percentiles acceptedToView, Latency.Percentiles acceptedToStatusTopic,
                  long notOnStatusTopic, long viewNeverSeen, Latency.Percentiles senderLateness) {

        /** Accepted → visible: at GET /deliveries/{id} when orders were sampled, otherwise on delivery.status. */
        Latency.Percentiles visible() {
            return acceptedToView != null ? acceptedToView : acceptedToStatusTopic;
        }
    }

    /**
     * The delivery commands of the interval's orders (courier, pickup, delivery of one in n).
     *
     * @param latency      first attempt → 202, retries included
     * @param refused503   attempts answered 503 (retried), likewise other answers and none
     */
    record Commands(long accepted, Latency.Percentiles latency, long refused503, long otherErrors, long noAnswer,
                    long flowsStarted, long flowsIncomplete) {
    }

    /**
     * Disk use at the end of the interval, and its growth since the soak began per order accepted since then.
     *
     * @param bytes              by component ({@link DiskUsage}), -1 where unknown
     * @param bytesPerOrder      by component: growth since the start / orders accepted since the start
     * @param idempotencyRows    rows of the idempotency table (InnoDB's estimate)
     * @param idempotencyBytes   its data and indexes
     */
    record Disk(long acceptedSinceStart, Map<String, Long> bytes, Map<String, Double> bytesPerOrder,
                long idempotencyRows, long idempotencyBytes, double idempotencyBytesPerOrder) {
    }

    /**
     * The interval that ran from {@code start} to {@code end}, whose orders and commands are in {@code orders} and
     * {@code commands}; {@code first} is the sample taken when the soak began, {@code acceptedBefore} the orders
     * accepted in the intervals before this one.
     */
    static SoakInterval of(int index, SoakSample first, SoakSample start, SoakSample end, StepStats orders,
                           CommandStats commands, long acceptedBefore) {
        double seconds = (end.nanos() - start.nanos()) / 1e9;
        long accepted = orders.accepted.sum();
        long refused = orders.refused.sum();
        long noAnswer = orders.noAnswer.sum();
        Orders o = new Orders(orders.sent.get(), accepted, seconds > 0 ? LoadBenchmark.round(accepted / seconds) : Double.NaN,
                refused, orders.errors() - noAnswer, noAnswer, orders.postLatency.summary(),
                orders.viewLatency.summary(), orders.statusLatency.summary(), orders.undelivered,
                orders.viewNeverSeen.get(), orders.senderLateness.summary());
        Commands c = new Commands(commands.accepted.sum(), commands.latency.summary(), commands.refused503.sum(),
                commands.otherErrors.sum(), commands.noAnswer.sum(), commands.flowsStarted.get(),
                commands.flowsIncomplete.sum());

        Map<String, Double> cpuPerOrder = Baselines.perOperation(ProcessMeter.delta(start.cpuSeconds(), end.cpuSeconds()), accepted);
        double cpuTotal = LoadBenchmark.round(cpuPerOrder.entrySet().stream()
                .filter(e -> !e.getKey().equals(ProcessMeter.LOAD_GENERATOR))
                .mapToDouble(Map.Entry::getValue).filter(v -> !Double.isNaN(v)).sum());
        Map<String, Double> rss = end.rssMiB().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> LoadBenchmark.round(e.getValue()), (a, b) -> a, LinkedHashMap::new));

        long sinceStart = acceptedBefore + accepted;
        IdempotencyTable.Size table = end.idempotency();
        IdempotencyTable.Size tableAtStart = first.idempotency();
        double tablePerOrder = table.bytes() >= 0 && tableAtStart.bytes() >= 0 && sinceStart > 0
                ? LoadBenchmark.round((double) (table.bytes() - tableAtStart.bytes()) / sinceStart) : Double.NaN;
        Disk disk = new Disk(sinceStart, end.diskBytes(), DiskUsage.perOrder(first.diskBytes(), end.diskBytes(), sinceStart),
                table.rows(), table.bytes(), tablePerOrder);

        return new SoakInterval(index, LoadBenchmark.round((start.nanos() - first.nanos()) / 1e9),
                LoadBenchmark.round(seconds), o, c, rss, cpuPerOrder, cpuTotal, disk, end.lag());
    }

    /** Minutes from the start of the soak to the end of this interval. */
    double endMinutes() {
        return (startSeconds + seconds) / 60;
    }
}
