package dev.outbox.delivery.projection;

import static dev.outbox.delivery.testing.Fixtures.assign;
import static dev.outbox.delivery.testing.Fixtures.cancelled;
import static dev.outbox.delivery.testing.Fixtures.pickup;
import static dev.outbox.delivery.testing.Fixtures.placed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.outbox.events.delivery.DeliveryStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StatusIndexTest {

    private final TopologyHarness topology = new TopologyHarness();
    private final UUID first = UUID.randomUUID();
    private final UUID second = UUID.randomUUID();

    @AfterEach
    void close() {
        topology.close();
    }

    @Test
    void eachDeliveryIsIndexedUnderItsCurrentStatusOnlyAndCountsFollow() {
        topology.orderEvent(placed(first));
        topology.orderEvent(placed(second));
        topology.advanceWallClock(Duration.ofSeconds(1)); // the one-off pass finds both indexed already
        topology.command(assign(first, "courier-1"));

        assertThat(entries(DeliveryStatus.AWAITING_COURIER)).containsExactly(second.toString());
        assertThat(entries(DeliveryStatus.COURIER_ASSIGNED)).containsExactly(first.toString());
        assertThat(count(DeliveryStatus.AWAITING_COURIER)).isEqualTo(1);
        assertThat(count(DeliveryStatus.COURIER_ASSIGNED)).isEqualTo(1);
        assertThat(count(DeliveryStatus.DELIVERED)).isZero();
    }

    @Test
    void aRejectedChangeLeavesTheIndexAsItWas() {
        topology.orderEvent(placed(first));
        topology.command(assign(first, "courier-1"));
        topology.command(pickup(first));
        topology.orderEvent(cancelled(first, 2)); // after pickup: recorded as rejected, status stays
        topology.advanceWallClock(Duration.ofSeconds(1));

        assertThat(topology.view(first).getStatus()).isEqualTo(DeliveryStatus.IN_TRANSIT);
        assertThat(entries(DeliveryStatus.IN_TRANSIT)).containsExactly(first.toString());
        assertThat(entries(DeliveryStatus.CANCELLED)).isEmpty();
        assertThat(count(DeliveryStatus.IN_TRANSIT)).isEqualTo(1);
        assertThat(count(DeliveryStatus.CANCELLED)).isZero();
    }

    @Test
    void thePartitionIsMarkedIndexedByTheFirstPassWithoutCountingTwice() {
        topology.orderEvent(placed(first));
        assertThat(StatusIndex.count(topology.statusIndex(), DeliveryStatus.AWAITING_COURIER))
                .as("not yet known to be complete").isNull();

        topology.advanceWallClock(Duration.ofSeconds(1));

        assertThat(topology.statusIndex().get(StatusIndex.READY_KEY)).isNotNull();
        assertThat(count(DeliveryStatus.AWAITING_COURIER)).isEqualTo(1);
    }

    @Test
    void theFirstPassIndexesDeliveriesTheIndexDoesNotKnow() {
        topology.orderEvent(placed(first));
        topology.orderEvent(placed(second));
        // as in a store written before the index existed: entries and counts missing
        KeyValueStore<String, Long> index = topology.statusIndex();
        index.delete(StatusIndex.key(DeliveryStatus.AWAITING_COURIER, second.toString()));
        index.put(StatusIndex.countKey(DeliveryStatus.AWAITING_COURIER), 1L);

        topology.advanceWallClock(Duration.ofSeconds(1));

        assertThat(entries(DeliveryStatus.AWAITING_COURIER))
                .containsExactlyInAnyOrder(first.toString(), second.toString());
        assertThat(count(DeliveryStatus.AWAITING_COURIER)).isEqualTo(2);
    }

    private List<String> entries(DeliveryStatus status) {
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = topology.statusIndex().range(StatusIndex.rangeStart(status, null),
                StatusIndex.rangeEnd(status))) {
            it.forEachRemaining(kv -> ids.add(StatusIndex.orderIdOf(kv.key)));
        }
        return ids;
    }

    private long count(DeliveryStatus status) {
        return StatusIndex.count(topology.statusIndex(), status);
    }
}
