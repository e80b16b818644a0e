package dev.outbox.delivery.query;

import dev.outbox.delivery.projection.StatusIndex;
import dev.outbox.events.delivery.DeliveryStatus;
import dev.outbox.events.delivery.DeliveryView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** A page of one partition's deliveries, read from its stores, and pages merged into one: no I/O beyond the stores. */
final class DeliveryPages {

    private DeliveryPages() {
    }

    /**
     * One partition's deliveries of one status, from the status index: a range read of that status's entries and a
     * get per delivery on the page, however many deliveries the partition holds.
     */
    static DeliveryJson.Page indexed(ReadOnlyKeyValueStore<String, Long> index,
                                     ReadOnlyKeyValueStore<String, DeliveryView> store, DeliveryStatus status,
                                     String after, int limit) {
        List<DeliveryJson.Delivery> items = new ArrayList<>();
        boolean more = false;
        try (KeyValueIterator<String, Long> it = index.range(StatusIndex.rangeStart(status, after),
                StatusIndex.rangeEnd(status))) {
            while (it.hasNext()) {
                String orderId = StatusIndex.orderIdOf(it.next().key);
                if (orderId.equals(after)) {
                    continue;
                }
                DeliveryView view = store.get(orderId);
                if (view == null || view.getStatus() != status) {
                    continue; // not possible within one task's committed state; never shown wrong if it were
                }
                if (items.size() == limit) {
                    more = true;
                    break;
                }
                items.add(DeliveryJson.of(view));
            }
        }
        return new DeliveryJson.Page(items, more ? items.get(items.size() - 1).orderId() : null);
    }

    /** One partition's matches in key order: up to {@code limit}, with a cursor when there are more. */
    static DeliveryJson.Page scan(ReadOnlyKeyValueStore<String, DeliveryView> store, DeliveryStatus status,
                                  String after, int limit) {
        List<DeliveryJson.Delivery> items = new ArrayList<>();
        boolean more = false;
        try (KeyValueIterator<String, DeliveryView> it = after == null ? store.all() : store.range(after, null)) {
            while (it.hasNext()) {
                KeyValue<String, DeliveryView> entry = it.next();
                if (entry.key.equals(after) || (status != null && entry.value.getStatus() != status)) {
                    continue;
                }
                if (items.size() == limit) {
                    more = true;
                    break;
                }
                items.add(DeliveryJson.of(entry.value));
            }
        }
        return new DeliveryJson.Page(items, more ? items.get(items.size() - 1).orderId() : null);
    }

    /**
     * Merges pages sorted by order id into one of at most {@code limit}. There are more when the merge overflows or
     * any page had more (those lie after all of that page's items, hence after the merged page's last).
     */
    static DeliveryJson.Page merge(List<DeliveryJson.Page> pages, int limit) {
        List<DeliveryJson.Delivery> all = new ArrayList<>();
        boolean more = false;
        for (DeliveryJson.Page page : pages) {
            all.addAll(page.items());
            more |= page.next() != null;
        }
        all.sort(Comparator.comparing(DeliveryJson.Delivery::orderId));
        more |= all.size() > limit;
        List<DeliveryJson.Delivery> items = all.size() > limit ? List.copyOf(all.subList(0, limit)) : all;
        return new DeliveryJson.Page(items, more && !items.isEmpty() ? items.get(items.size() - 1).orderId() : null);
    }
}
