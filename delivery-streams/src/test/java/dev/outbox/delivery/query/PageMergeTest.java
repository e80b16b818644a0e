package dev.outbox.delivery.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PageMergeTest {

    @Test
    void pagesAreMergedInOrderIdOrderAndCutAtTheLimit() {
        DeliveryJson.Page merged = DeliveryPages.merge(List.of(page(null, "a", "d"), page(null, "b", "c", "e")), 3);
        assertThat(merged.items()).extracting(DeliveryJson.Delivery::orderId).containsExactly("a", "b", "c");
        assertThat(merged.next()).isEqualTo("c");
    }

    @Test
    void thereIsNoNextPageWhenEverythingFits() {
        DeliveryJson.Page merged = DeliveryPages.merge(List.of(page(null, "a"), page(null, "b")), 3);
        assertThat(merged.items()).hasSize(2);
        assertThat(merged.next()).isNull();
    }

    @Test
    void aPartPageWithMoreMeansThereIsANextPage() {
        DeliveryJson.Page merged = DeliveryPages.merge(List.of(page("b", "a", "b"), page(null)), 2);
        assertThat(merged.items()).hasSize(2);
        assertThat(merged.next()).isEqualTo("b");
    }

    private static DeliveryJson.Page page(String next, String... ids) {
        return new DeliveryJson.Page(List.of(ids).stream().map(id -> new DeliveryJson.Delivery(id, "c",
                "AWAITING_COURIER", null, 0, null, null, List.of(), 1, null, null, List.of(), 0)).toList(), next);
    }
}
