package dev.outbox.delivery.projection;

import dev.outbox.delivery.rules.Delivery;
import dev.outbox.events.delivery.DeliveryView;
import dev.outbox.events.delivery.StatusTransition;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the stored view small whatever clients send: the view in the {@code deliveries} store holds only the latest
 * {@code keep} history entries, and the older ones move to the {@code delivery-history} store, one record per entry,
 * keyed by order id and the entry's index in the whole history ({@link #key}), so one order's history is a range.
 *
 * <p>Most deliveries never have more than {@code keep} entries, so they cost this store nothing. Entries moved here
 * are never changed or deleted; each is written before the view that no longer holds it, in the same transaction.
 */
public final class DeliveryHistory {

    /** A view as it is stored, and the entries it no longer holds, from the index of the first of them. */
    record Trimmed(DeliveryView view, long firstMovedIndex, List<StatusTransition> moved) {
    }

    private final String storeName;
    private final int keep;
    private KeyValueStore<String, StatusTransition> store;

    DeliveryHistory(String storeName, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("a view keeps at least one history entry, asked for " + keep);
        }
        this.storeName = storeName;
        this.keep = keep;
    }

    void init(ProcessorContext<?, ?> context) {
        store = context.getStateStore(storeName);
    }

    /** The key of entry {@code index} (from 0) of an order's history; keys of one order sort by index. */
    public static String key(String orderId, long index) {
        return orderId + "/" + String.format("%012d", index);
    }

    /** The view with at most {@code keep} entries in its history, and those it no longer holds. */
    Trimmed trim(DeliveryView view) {
        List<StatusTransition> history = view.getHistory();
        if (history.size() <= keep) {
            return new Trimmed(view, 0, List.of());
        }
        int moved = history.size() - keep;
        long firstMovedIndex = Delivery.historySize(view) - history.size();
        DeliveryView trimmed = DeliveryView.newBuilder(view)
                .setHistory(new ArrayList<>(history.subList(moved, history.size())))
                .setHistorySize(Delivery.historySize(view))
                .build();
        return new Trimmed(trimmed, firstMovedIndex, List.copyOf(history.subList(0, moved)));
    }

    /** Writes the entries {@link #trim} took out of the view. */
    void store(String orderId, Trimmed trimmed) {
        for (int i = 0; i < trimmed.moved().size(); i++) {
            store.put(key(orderId, trimmed.firstMovedIndex() + i), trimmed.moved().get(i));
        }
    }
}
