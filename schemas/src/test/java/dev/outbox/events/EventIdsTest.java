package dev.outbox.events;

import dev.outbox.events.common.OrderLine;
import dev.outbox.events.order.OrderCancelled;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventIdsTest {

    @Test
    void theEventIdOfAnyEventType() {
        UUID id = UUID.randomUUID();
        OrderCancelled cancelled = OrderCancelled.newBuilder().setEventId(id).setOrderId(UUID.randomUUID())
                .setSequence(2).setOccurredAt(Instant.now()).setReason("r").build();

        assertThat(EventIds.of(cancelled)).isEqualTo(id);
    }

    @Test
    void aRecordWithoutAnEventIdIsRefusedByName() {
        assertThatThrownBy(() -> EventIds.of(new OrderLine("A", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dev.outbox.events.common.OrderLine");
    }
}
