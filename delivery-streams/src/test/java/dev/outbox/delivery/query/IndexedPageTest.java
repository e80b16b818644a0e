package dev.outbox.delivery.query;

import static dev.outbox.delivery.testing.Fixtures.placed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.outbox.delivery.rules.Delivery;
import dev.outbox.delivery.rules.OrderEvent;
import dev.outbox.delivery.projection.StatusIndex;
import dev.outbox.delivery.testing.Fixtures;
import dev.outbox.events.delivery.DeliveryStatus;
import dev.outbox.events.delivery.DeliveryView;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;

/** A page of one status read through the status index: only that status's entries are visited. */
class IndexedPageTest {

    private final TreeMapStore<DeliveryView> deliveries = new TreeMapStore<>();
    private final TreeMapStore<Long> index = new TreeMapStore<>();

    @Test
    void pagesOfOneStatusComeInOrderIdOrderWithACursorAndTouchOnlyThatStatus() {
        for (int i = 0; i < 1000; i++) {
            add(i < 5 ? DeliveryStatus.DELIVERED : DeliveryStatus.AWAITING_COURIER);
        }

        DeliveryJson.Page first = DeliveryPages.indexed(index, deliveries, DeliveryStatus.DELIVERED, null, 3);
        assertThat(first.items()).hasSize(3).allMatch(d -> d.status().equals("DELIVERED"));
        assertThat(first.next()).isEqualTo(first.items().get(2).orderId());
        assertThat(deliveries.gets.get()).as("one get per delivery on the page, plus the one that shows there is more")
                .isEqualTo(4);

        DeliveryJson.Page second = DeliveryPages.indexed(index, deliveries, DeliveryStatus.DELIVERED, first.next(), 3);
        assertThat(second.items()).hasSize(2);
        assertThat(second.next()).isNull();
        assertThat(second.items().get(0).orderId()).isGreaterThan(first.next());
    }

    private void add(DeliveryStatus status) {
        UUID orderId = UUID.randomUUID();
        DeliveryView view = new Delivery(3).apply(null, OrderEvent.of(placed(orderId)), Fixtures.T0).view();
        view.setStatus(status);
        deliveries.map.put(orderId.toString(), view);
        index.map.put(StatusIndex.key(status, orderId.toString()), 0L);
    }

    /** Enough of a key-value store for the page: get and range over a sorted map. */
    private static final class TreeMapStore<V> implements ReadOnlyKeyValueStore<String, V> {

        final NavigableMap<String, V> map = new TreeMap<>();
        final AtomicInteger gets = new AtomicInteger();

        @Override
        public V get(String key) {
            gets.incrementAndGet();
            return map.get(key);
        }

        @Override
        public KeyValueIterator<String, V> range(String from, String to) {
            return iterator(map.subMap(from, true, to, true).entrySet().iterator());
        }

        @Override
        public KeyValueIterator<String, V> all() {
            return iterator(map.entrySet().iterator());
        }

        @Override
        public long approximateNumEntries() {
            return map.size();
        }

        private static <V> KeyValueIterator<String, V> iterator(Iterator<Map.Entry<String, V>> entries) {
            return new KeyValueIterator<>() {
                @Override
                public boolean hasNext() {
                    return entries.hasNext();
                }

                @Override
                public KeyValue<String, V> next() {
                    Map.Entry<String, V> e = entries.next();
                    return KeyValue.pair(e.getKey(), e.getValue());
                }

                @Override
                public void close() {
                }

                @Override
                public String peekNextKey() {
                    throw new UnsupportedOperationException();
                }
            };
        }
    }
}
