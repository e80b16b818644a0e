package dev.outbox.delivery.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outbox.delivery.deadletter.OriginalRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class PendingOrderEventTest {

    @Test
    void theStoreSerdeKeepsTheRecordExactly() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("id", "e-1".getBytes());
        headers.add("empty", null);
        OriginalRecord original = new OriginalRecord("k".getBytes(), new byte[] {0, 0, 0, 0, 7, 42}, headers,
                "order.events", 2, 1234L, 99L);
        PendingOrderEvent.StoreSerde serde = new PendingOrderEvent.StoreSerde();

        PendingOrderEvent back = serde.deserialize("t", serde.serialize("t", new PendingOrderEvent(original, 5, 77L)));

        assertThat(back.sequence()).isEqualTo(5);
        assertThat(back.bufferedAt()).isEqualTo(77L);
        assertThat(back.original().key()).isEqualTo("k".getBytes());
        assertThat(back.original().value()).isEqualTo(new byte[] {0, 0, 0, 0, 7, 42});
        assertThat(back.original().topic()).isEqualTo("order.events");
        assertThat(back.original().partition()).isEqualTo(2);
        assertThat(back.original().offset()).isEqualTo(1234L);
        assertThat(back.original().timestamp()).isEqualTo(99L);
        assertThat(back.original().headers().lastHeader("id").value()).isEqualTo("e-1".getBytes());
        assertThat(back.original().headers().lastHeader("empty").value()).isNull();
    }

    @Test
    void keysSortBySequenceWithinAnOrder() {
        assertThat(PendingOrderEvent.key("o", 9)).isLessThan(PendingOrderEvent.key("o", 10));
        assertThat(PendingOrderEvent.key("o", 10)).startsWith(PendingOrderEvent.prefix("o"));
        assertThat(PendingOrderEvent.orderIdOf(PendingOrderEvent.key("a-b", 3))).isEqualTo("a-b");
    }
}
