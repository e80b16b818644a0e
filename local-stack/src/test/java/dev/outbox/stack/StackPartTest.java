package dev.outbox.stack;

import dev.outbox.stack.Stack.Part;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The part graph, without starting anything: what each part needs, and the start and stop orders that follow. */
class StackPartTest {

    @Test
    void everyPartStartsOnceAndAfterWhatItNeeds() {
        List<Part> order = Part.startOrder();

        assertThat(order).containsExactlyInAnyOrder(Part.values());
        for (Part part : order) {
            assertThat(order.subList(0, order.indexOf(part))).as(part + " starts after what it needs")
                    .containsAll(part.needs());
        }
    }

    @Test
    void theStartOrderIsTheDeclaredOneWhereNothingElseOrdersTheParts() {
        assertThat(Part.startOrder()).containsExactly(Part.MARIADB, Part.KAFKA, Part.REGISTRY, Part.CONNECT,
                Part.ORDER_API, Part.DELIVERY, Part.HAPROXY);
    }

    @Test
    void theStopOrderIsTheStartOrderReversed() {
        List<Part> reversed = new java.util.ArrayList<>(Part.startOrder());
        java.util.Collections.reverse(reversed);

        assertThat(Part.stopOrder()).isEqualTo(reversed);
        assertThat(Part.stopOrder().get(0)).isEqualTo(Part.HAPROXY);
        assertThat(Part.stopOrder().get(Part.values().length - 1)).isEqualTo(Part.MARIADB);
    }

    @Test
    void noPartNeedsItselfThroughOthers() {
        for (Part part : Part.values()) {
            Set<Part> reachable = EnumSet.noneOf(Part.class);
            part.needs().forEach(need -> reachable.addAll(Part.withNeeds(Set.of(need))));
            assertThat(reachable).as("what " + part + " needs, directly or not").doesNotContain(part);
        }
    }

    @Test
    void aPartComesWithEverythingItNeedsDirectlyOrNot() {
        assertThat(Part.withNeeds(Set.of(Part.DELIVERY)))
                .containsExactlyInAnyOrder(Part.DELIVERY, Part.KAFKA, Part.REGISTRY, Part.MARIADB);
        assertThat(Part.withNeeds(Set.of(Part.ORDER_API)))
                .containsExactlyInAnyOrder(Part.ORDER_API, Part.REGISTRY, Part.MARIADB);
        assertThat(Part.withNeeds(Set.of(Part.CONNECT))).containsExactlyInAnyOrder(Part.CONNECT, Part.KAFKA, Part.MARIADB);
        assertThat(Part.withNeeds(Set.of(Part.KAFKA))).containsExactly(Part.KAFKA);
        assertThat(Part.withNeeds(Part.INFRASTRUCTURE)).isEqualTo(Part.INFRASTRUCTURE);
    }

    @Test
    void everyPartIsReachableFromTheWholeStackAndByItsId() {
        assertThat(Part.withNeeds(Part.ALL)).isEqualTo(EnumSet.allOf(Part.class));
        for (Part part : Part.values()) {
            assertThat(Part.parse(part.id())).containsExactly(part);
        }
        assertThat(Part.parse("mariadb, kafka")).containsExactlyInAnyOrder(Part.MARIADB, Part.KAFKA);
        assertThat(Part.parse("all")).isEqualTo(Part.ALL);
        assertThat(Part.parse("infrastructure")).isEqualTo(Part.INFRASTRUCTURE);
    }

    @Test
    void anUnknownPartIsNamedWithTheKnownOnes() {
        assertThatThrownBy(() -> Part.parse("mariadb,zookeeper")).isInstanceOf(StackException.class)
                .hasMessage("unknown part 'zookeeper'; parts: mariadb, kafka, registry, connect, order-api, delivery, haproxy");
    }
}
