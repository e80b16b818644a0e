package dev.outbox.delivery.query;

import dev.outbox.events.common.DeliveryAddress;
import dev.outbox.events.common.OrderLine;
import dev.outbox.events.delivery.DeliveryStatusChanged;
import dev.outbox.events.delivery.DeliveryView;
import dev.outbox.events.delivery.StatusTransition;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of the query API: plain records mapped from the Avro view, so the API does not change shape with
 * Avro's generated classes (and times come out as ISO-8601 instants).
 */
public final class DeliveryJson {

    private DeliveryJson() {
    }

    /**
     * @param history     the latest entries of the history, oldest first
     * @param historySize how many entries the whole history has ({@code GET /deliveries/{id}/history} pages them)
     */
    public record Delivery(String orderId, String customerId, String status, String courierId, int failedAttempts,
                           Address deliveryAddress, String giftMessage, List<Line> lines, long orderSequence,
                           Instant placedAt, Instant updatedAt, List<Transition> history, long historySize) {
    }

    /**
     * A page of one delivery's whole history, oldest first: entries {@code from} .. {@code from + items.size() - 1}
     * of {@code total}; {@code next} is the {@code from} of the next page, null on the last.
     */
    public record History(String orderId, long total, long from, List<Transition> items, Long next) {
    }

    public record Address(String recipient, String street, String city, String postalCode, String country,
                          String instructions) {
    }

    public record Line(String sku, int quantity) {
    }

    public record Transition(String from, String to, String cause, String eventId, Instant at, boolean rejected,
                             String note) {
    }

    /** A page of deliveries; {@code next} is the cursor ({@code after}) for the next page, null on the last. */
    public record Page(List<Delivery> items, String next) {
    }

    /**
     * How many deliveries there are of each status; {@code complete} is false when part of the store could not be
     * counted (an instance that did not answer, a partition not indexed yet).
     */
    public record Counts(Map<String, Long> byStatus, boolean complete) {

        static Counts sum(List<Counts> parts) {
            Map<String, Long> sum = new LinkedHashMap<>();
            boolean complete = true;
            for (Counts part : parts) {
                part.byStatus().forEach((status, count) -> sum.merge(status, count, Long::sum));
                complete &= part.complete();
            }
            return new Counts(sum, complete);
        }
    }

    /** First SSE event: where the delivery stands now. */
    public record CurrentStatus(String orderId, String status, Instant updatedAt) {
    }

    /** Following SSE events: one history entry each. */
    public record StatusChange(String orderId, String from, String to, String cause, String eventId, Instant at,
                               boolean rejected, String note) {
    }

    public static Delivery of(DeliveryView view) {
        DeliveryAddress a = view.getDeliveryAddress();
        return new Delivery(view.getOrderId().toString(), view.getCustomerId(), view.getStatus().name(),
                view.getCourierId(), view.getFailedAttempts(),
                new Address(a.getRecipient(), a.getStreet(), a.getCity(), a.getPostalCode(), a.getCountry(),
                        a.getInstructions()),
                view.getGiftMessage(),
                view.getLines().stream().map(DeliveryJson::line).toList(),
                view.getOrderSequence(), view.getPlacedAt(), view.getUpdatedAt(),
                view.getHistory().stream().map(DeliveryJson::transition).toList(),
                dev.outbox.delivery.rules.Delivery.historySize(view));
    }

    static History history(String orderId, long total, long from, List<StatusTransition> entries, Long next) {
        return new History(orderId, total, from, entries.stream().map(DeliveryJson::transition).toList(), next);
    }

    public static StatusChange of(DeliveryStatusChanged changed) {
        StatusTransition t = changed.getTransition();
        return new StatusChange(changed.getOrderId().toString(), t.getFrom() == null ? null : t.getFrom().name(),
                t.getTo().name(), t.getCause(), t.getEventId().toString(), t.getAt(), t.getRejected(), t.getNote());
    }

    private static Line line(OrderLine line) {
        return new Line(line.getSku(), line.getQuantity());
    }

    private static Transition transition(StatusTransition t) {
        return new Transition(t.getFrom() == null ? null : t.getFrom().name(), t.getTo().name(), t.getCause(),
                t.getEventId().toString(), t.getAt(), t.getRejected(), t.getNote());
    }
}
