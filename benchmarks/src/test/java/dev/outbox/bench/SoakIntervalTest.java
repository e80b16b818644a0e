package dev.outbox.bench;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** An interval's figures from what its load saw and the two samples around it, without a stack. */
class SoakIntervalTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void countsTheIntervalsOrdersAndTheirAnswers() {
        StepStats orders = orders(1000, 990, 6, 3);
        orders.otherStatus.computeIfAbsent(500, s -> new LongAdder()).increment();
        SoakInterval i = SoakInterval.of(1, sample(0), sample(0), sample(100), orders, new CommandStats(), 0);

        assertThat(i.seconds()).isEqualTo(100);
        assertThat(i.orders().sent()).isEqualTo(1000);
        assertThat(i.orders().accepted()).isEqualTo(990);
        assertThat(i.orders().acceptedPerSecond()).isEqualTo(9.9);
        assertThat(i.orders().refused503()).isEqualTo(6);
        assertThat(i.orders().noAnswer()).isEqualTo(3);
        assertThat(i.orders().otherErrors()).as("answers other than 201 and 503, not the unanswered").isEqualTo(1);
        assertThat(i.orders().post().count()).isEqualTo(990);
        assertThat(i.orders().post().p50()).isCloseTo(5.0, within(0.01));
    }

    @Test
    void keepsTheDeliveryCommandsApartFromTheOrders() {
        StepStats orders = orders(100, 100, 0, 0);
        CommandStats commands = new CommandStats();
        commands.listener.answered(DeliveryCommands.Step.COURIER, 503);
        commands.listener.answered(DeliveryCommands.Step.COURIER, 0);
        commands.listener.answered(DeliveryCommands.Step.COURIER, 504);
        commands.listener.answered(DeliveryCommands.Step.COURIER, 202);
        commands.listener.accepted("o-1", DeliveryCommands.Step.COURIER, TimeUnit.MILLISECONDS.toNanos(120));

        SoakInterval i = SoakInterval.of(1, sample(0), sample(0), sample(10), orders, commands, 0);

        assertThat(i.commands().accepted()).isEqualTo(1);
        assertThat(i.commands().latency().p99()).isCloseTo(120, within(0.5));
        assertThat(i.commands().refused503()).isEqualTo(1);
        assertThat(i.commands().noAnswer()).isEqualTo(1);
        assertThat(i.commands().otherErrors()).isEqualTo(1);
        assertThat(i.orders().refused503()).isZero();
        assertThat(i.orders().otherErrors()).isZero();
        assertThat(i.orders().post().count()).isEqualTo(100);
    }

    @Test
    void cpuPerOrderIsTheIntervalsCpuOverItsAcceptedOrdersAndTheStacksTotalLeavesOutTheLoadGenerator() {
        SoakSample start = sample(10, Map.of("order-api", 100.0, "delivery", 50.0, ProcessMeter.LOAD_GENERATOR, 5.0), Map.of(), -1);
        SoakSample end = sample(20, Map.of("order-api", 102.0, "delivery", 51.0, ProcessMeter.LOAD_GENERATOR, 6.0), Map.of(), -1);

        SoakInterval i = SoakInterval.of(2, sample(0), start, end, orders(1000, 1000, 0, 0), new CommandStats(), 0);

        assertThat(i.startSeconds()).isEqualTo(10);
        assertThat(i.cpuMsPerOrder()).containsEntry("order-api", 2.0).containsEntry("delivery", 1.0)
                .containsEntry(ProcessMeter.LOAD_GENERATOR, 1.0);
        assertThat(i.cpuMsPerOrderTotal()).isEqualTo(3.0);
    }

    @Test
    void diskPerOrderIsTheGrowthSinceTheStartOverTheOrdersAcceptedSinceTheStart() {
        SoakSample first = sample(0, Map.of(), Map.of("binlog", 1_000_000L, "kafka", 2_000_000L), 1_000_000);
        SoakSample start = sample(60, Map.of(), Map.of("binlog", 2_000_000L, "kafka", 2_500_000L), 1_200_000);
        SoakSample end = sample(120, Map.of(), Map.of("binlog", 3_000_000L, "kafka", 3_000_000L), 1_400_000);

        // 1,000 orders in the intervals before, 1,000 in this one
        SoakInterval i = SoakInterval.of(2, first, start, end, orders(1000, 1000, 0, 0), new CommandStats(), 1000);

        assertThat(i.disk().acceptedSinceStart()).isEqualTo(2000);
        assertThat(i.disk().bytes()).containsEntry("binlog", 3_000_000L);
        assertThat(i.disk().bytesPerOrder()).containsEntry("binlog", 1000.0).containsEntry("kafka", 500.0);
        assertThat(i.disk().idempotencyBytesPerOrder()).isEqualTo(200.0);
        assertThat(i.disk().idempotencyRows()).isEqualTo(14);
    }

    @Test
    void anUnknownTableSizeGivesNoBytesPerOrder() {
        SoakInterval i = SoakInterval.of(1, sample(0, Map.of(), Map.of(), -1), sample(0), sample(10),
                orders(10, 10, 0, 0), new CommandStats(), 0);

        assertThat(i.disk().idempotencyBytesPerOrder()).isNaN();
    }

    @Test
    void visibleIsTheViewProbeWhenOrdersWereSampledElseTheStatusTopic() {
        StepStats orders = orders(10, 10, 0, 0);
        orders.statusLatency.recordNanos(TimeUnit.MILLISECONDS.toNanos(40));
        SoakInterval unsampled = SoakInterval.of(1, sample(0), sample(0), sample(10), orders, new CommandStats(), 0);
        orders.viewLatency.recordNanos(TimeUnit.MILLISECONDS.toNanos(15));
        SoakInterval sampled = SoakInterval.of(1, sample(0), sample(0), sample(10), orders, new CommandStats(), 0);

        assertThat(unsampled.orders().visible().p50()).isCloseTo(40, within(0.1));
        assertThat(sampled.orders().visible().p50()).isCloseTo(15, within(0.1));
    }

    /** {@code sent} orders, of which {@code accepted} answered 201 in 5 ms. */
    private static StepStats orders(long sent, long accepted, long refused, long noAnswer) {
        StepStats s = new StepStats("interval", 10);
        s.sent.set(sent);
        s.accepted.add(accepted);
        s.refused.add(refused);
        s.noAnswer.add(noAnswer);
        for (long n = 0; n < accepted; n++) {
            s.postLatency.recordNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return s;
    }

    private static SoakSample sample(long atSecond) {
        return sample(atSecond, Map.of(), Map.of(), 0);
    }

    private static SoakSample sample(long atSecond, Map<String, Double> cpu, Map<String, Long> disk, long tableBytes) {
        return new SoakSample(atSecond * SECOND, cpu, Map.of("order-api", 300.4), disk,
                new IdempotencyTable.Size(tableBytes < 0 ? -1 : 14, tableBytes), 0);
    }
}
