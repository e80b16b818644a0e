package dev.outbox.delivery.rules;

import static dev.outbox.delivery.testing.Fixtures.T0;
import static dev.outbox.delivery.testing.Fixtures.addressChanged;
import static dev.outbox.delivery.testing.Fixtures.assign;
import static dev.outbox.delivery.testing.Fixtures.cancelled;
import static dev.outbox.delivery.testing.Fixtures.deliver;
import static dev.outbox.delivery.testing.Fixtures.failedAttempt;
import static dev.outbox.delivery.testing.Fixtures.pickup;
import static dev.outbox.delivery.testing.Fixtures.placed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outbox.events.delivery.CommandOutcome;
import dev.outbox.events.delivery.CourierAssigned;
import dev.outbox.events.delivery.DeliveryAttemptFailed;
import dev.outbox.events.delivery.DeliveryCommand;
import dev.outbox.events.delivery.DeliveryConfirmed;
import dev.outbox.events.delivery.DeliveryStatus;
import dev.outbox.events.delivery.DeliveryView;
import dev.outbox.events.delivery.PickupConfirmed;
import dev.outbox.events.delivery.StatusTransition;
import java.time.Instant;
import java.util.EnumSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DeliveryTest {

    private static final Instant NOW = T0.plusSeconds(60);

    private final Delivery delivery = new Delivery(3);
    private final UUID orderId = UUID.randomUUID();

    // ------------------------------------------------------------------------------------------------ order events

    @Test
    void orderPlacedStartsADeliveryAwaitingACourier() {
        Decision decision = delivery.apply(null, OrderEvent.of(placed(orderId)), NOW);

        DeliveryView view = decision.view();
        assertThat(decision.viewChanged()).isTrue();
        assertThat(view.getStatus()).isEqualTo(DeliveryStatus.AWAITING_COURIER);
        assertThat(view.getOrderSequence()).isEqualTo(1);
        assertThat(view.getCustomerId()).isEqualTo("customer-1");
        assertThat(view.getLines()).hasSize(2);
        assertThat(view.getPlacedAt()).isEqualTo(T0);
        assertThat(view.getUpdatedAt()).isEqualTo(NOW);
        assertThat(view.getHistory()).singleElement().satisfies(t -> {
            assertThat(t.getFrom()).isNull();
            assertThat(t.getTo()).isEqualTo(DeliveryStatus.AWAITING_COURIER);
            assertThat(t.getCause()).isEqualTo("OrderPlaced");
        });
        assertThat(decision.newHistory()).isEqualTo(view.getHistory());
        assertThat(decision.events()).isEmpty();
        assertThat(decision.result()).isNull();
    }

    @Test
    void onlyOrderPlacedCanStartADelivery() {
        assertThat(delivery.fit(null, OrderEvent.of(cancelled(orderId, 2)))).isEqualTo(Delivery.Fit.EARLY);
        assertThat(delivery.fit(null, OrderEvent.of(placed(orderId)))).isEqualTo(Delivery.Fit.NEXT);
        assertThatThrownBy(() -> delivery.apply(null, OrderEvent.of(cancelled(orderId, 1)), NOW))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void fitFollowsTheOrderSequence() {
        DeliveryView view = placedView(); // sequence 1
        assertThat(delivery.fit(view, OrderEvent.of(addressChanged(orderId, 1, "x")))).isEqualTo(Delivery.Fit.STALE);
        assertThat(delivery.fit(view, OrderEvent.of(addressChanged(orderId, 2, "x")))).isEqualTo(Delivery.Fit.NEXT);
        assertThat(delivery.fit(view, OrderEvent.of(addressChanged(orderId, 3, "x")))).isEqualTo(Delivery.Fit.EARLY);
        assertThat(delivery.fit(view, OrderEvent.of(placed(orderId)))).isEqualTo(Delivery.Fit.STALE);
    }

    @ParameterizedTest
    @EnumSource(value = DeliveryStatus.class, names = {"AWAITING_COURIER", "COURIER_ASSIGNED"})
    void addressChangesBeforePickup(DeliveryStatus status) {
        DeliveryView view = withStatus(placedView(), status);
        Decision decision = delivery.apply(view, OrderEvent.of(addressChanged(orderId, 2, "1 New Road")), NOW);

        assertThat(decision.view().getDeliveryAddress().getStreet()).isEqualTo("1 New Road");
        assertThat(decision.view().getStatus()).isEqualTo(status);
        assertThat(decision.view().getOrderSequence()).isEqualTo(2);
        StatusTransition entry = last(decision.view());
        assertThat(entry.getCause()).isEqualTo("DeliveryAddressChanged");
        assertThat(entry.getRejected()).isFalse();
        assertThat(entry.getNote()).contains("1 New Road");
    }

    @ParameterizedTest
    @EnumSource(value = DeliveryStatus.class, names = {"IN_TRANSIT", "DELIVERED", "FAILED", "CANCELLED"})
    void addressChangeAfterPickupIsRecordedAsRejected(DeliveryStatus status) {
        DeliveryView view = withStatus(placedView(), status);
        Decision decision = delivery.apply(view, OrderEvent.of(addressChanged(orderId, 2, "1 New Road")), NOW);

        assertThat(decision.view().getDeliveryAddress().getStreet()).isEqualTo("12 Baker Street");
        assertThat(decision.view().getStatus()).isEqualTo(status);
        assertThat(decision.view().getOrderSequence()).isEqualTo(2);
        StatusTransition entry = last(decision.view());
        assertThat(entry.getRejected()).isTrue();
        assertThat(entry.getFrom()).isEqualTo(status);
        assertThat(entry.getTo()).isEqualTo(status);
    }

    @ParameterizedTest
    @EnumSource(value = DeliveryStatus.class, names = {"AWAITING_COURIER", "COURIER_ASSIGNED"})
    void cancellationBeforePickupCancels(DeliveryStatus status) {
        Decision decision = delivery.apply(withStatus(placedView(), status), OrderEvent.of(cancelled(orderId, 2)), NOW);

        assertThat(decision.view().getStatus()).isEqualTo(DeliveryStatus.CANCELLED);
        StatusTransition entry = last(decision.view());
        assertThat(entry.getFrom()).isEqualTo(status);
        assertThat(entry.getTo()).isEqualTo(DeliveryStatus.CANCELLED);
        assertThat(entry.getRejected()).isFalse();
        assertThat(entry.getNote()).isEqualTo("changed my mind");
    }

    @ParameterizedTest
    @EnumSource(value = DeliveryStatus.class, names = {"IN_TRANSIT", "DELIVERED", "FAILED", "CANCELLED"})
    void cancellationAfterPickupIsRecordedAsRejectedAndChangesNothing(DeliveryStatus status) {
        Decision decision = delivery.apply(withStatus(placedView(), status), OrderEvent.of(cancelled(orderId, 2)), NOW);

        assertThat(decision.view().getStatus()).isEqualTo(status);
        StatusTransition entry = last(decision.view());
        assertThat(entry.getCause()).isEqualTo("OrderCancelled");
        assertThat(entry.getRejected()).isTrue();
        assertThat(entry.getTo()).isEqualTo(status);
        assertThat(decision.newHistory()).containsExactly(entry);
    }

    @Test
    void applyingAfterAGapRecordsTheSkippedSequences() {
        Decision decision = delivery.applyAfterGap(placedView(), OrderEvent.of(cancelled(orderId, 4)), NOW);

        assertThat(decision.view().getStatus()).isEqualTo(DeliveryStatus.CANCELLED);
        assertThat(decision.view().getOrderSequence()).isEqualTo(4);
        assertThat(decision.newHistory()).hasSize(2);
        StatusTransition gap = decision.newHistory().get(0);
        assertThat(gap.getCause()).isEqualTo(Delivery.GAP_SKIPPED);
        assertThat(gap.getNote()).contains("order events 2..3");
        assertThat(gap.getAt()).isEqualTo(NOW);
        assertThat(decision.newHistory().get(1).getCause()).isEqualTo("OrderCancelled");
    }

    @Test
    void applyingAfterGapWithoutAGapIsAPlainApply() {
        Decision decision = delivery.applyAfterGap(placedView(), OrderEvent.of(cancelled(orderId, 2)), NOW);
        assertThat(decision.newHistory()).extracting(StatusTransition::getCause).containsExactly("OrderCancelled");
    }

    // ---------------------------------------------------------------------------------------------------- commands

    @Test
    void commandForAnUnknownOrderIsUnknownOrder() {
        Decision decision = delivery.decide(null, assign(orderId, "c-1"), NOW);

        assertThat(decision.result().getOutcome()).isEqualTo(CommandOutcome.UNKNOWN_ORDER);
        assertThat(decision.result().getStatus()).isNull();
        assertThat(decision.viewChanged()).isFalse();
        assertThat(decision.events()).isEmpty();
    }

    @Test
    void assignCourierWhileAwaitingAssignsIt() {
        DeliveryCommand command = assign(orderId, "c-1");
        Decision decision = delivery.decide(placedView(), command, NOW);

        assertAccepted(decision, command, DeliveryStatus.COURIER_ASSIGNED);
        assertThat(decision.view().getCourierId()).isEqualTo("c-1");
        CourierAssigned event = (CourierAssigned) decision.events().get(0);
        assertThat(event.getCourierId()).isEqualTo("c-1");
        assertThat(event.getCommandId()).isEqualTo(command.getCommandId());
        assertThat(event.getOccurredAt()).isEqualTo(NOW);
        assertThat(last(decision.view()).getEventId()).isEqualTo(event.getEventId());
    }

    @Test
    void assignCourierAgainReassignsBeforePickup() {
        DeliveryView assigned = delivery.decide(placedView(), assign(orderId, "c-1"), NOW).view();
        Decision decision = delivery.decide(assigned, assign(orderId, "c-2"), NOW);

        assertAccepted(decision, null, DeliveryStatus.COURIER_ASSIGNED);
        assertThat(decision.view().getCourierId()).isEqualTo("c-2");
        assertThat(last(decision.view()).getNote()).contains("c-2").contains("was c-1");
    }

    @Test
    void fullHappyPath() {
        DeliveryView view = placedView();
        view = delivery.decide(view, assign(orderId, "c-1"), NOW).view();
        Decision pickedUp = delivery.decide(view, pickup(orderId), NOW);
        assertAccepted(pickedUp, null, DeliveryStatus.IN_TRANSIT);
        assertThat(pickedUp.events()).singleElement().isInstanceOf(PickupConfirmed.class);

        Decision delivered = delivery.decide(pickedUp.view(), deliver(orderId, "Ada"), NOW);
        assertAccepted(delivered, null, DeliveryStatus.DELIVERED);
        assertThat(((DeliveryConfirmed) delivered.events().get(0)).getReceivedBy()).isEqualTo("Ada");
        assertThat(delivered.view().getHistory()).extracting(StatusTransition::getTo).containsExactly(
                DeliveryStatus.AWAITING_COURIER, DeliveryStatus.COURIER_ASSIGNED, DeliveryStatus.IN_TRANSIT,
                DeliveryStatus.DELIVERED);
    }

    @Test
    void failedAttemptsCountUpAndTheLastOneFailsTheDelivery() {
        DeliveryView view = withStatus(placedView(), DeliveryStatus.IN_TRANSIT);
        Decision first = delivery.decide(view, failedAttempt(orderId, "nobody home"), NOW);
        assertAccepted(first, null, DeliveryStatus.IN_TRANSIT);
        assertThat(first.view().getFailedAttempts()).isEqualTo(1);
        assertThat(((DeliveryAttemptFailed) first.events().get(0)).getAttempt()).isEqualTo(1);
        assertThat(last(first.view()).getNote()).contains("attempt 1 of 3");

        Decision second = delivery.decide(first.view(), failedAttempt(orderId, "dog"), NOW);
        assertThat(second.view().getStatus()).isEqualTo(DeliveryStatus.IN_TRANSIT);

        Decision third = delivery.decide(second.view(), failedAttempt(orderId, "closed"), NOW);
        assertAccepted(third, null, DeliveryStatus.FAILED);
        assertThat(third.view().getFailedAttempts()).isEqualTo(3);
        assertThat(((DeliveryAttemptFailed) third.events().get(0)).getAttempt()).isEqualTo(3);
        assertThat(last(third.view()).getFrom()).isEqualTo(DeliveryStatus.IN_TRANSIT);

        Decision fourth = delivery.decide(third.view(), failedAttempt(orderId, "again"), NOW);
        assertThat(fourth.result().getOutcome()).isEqualTo(CommandOutcome.REJECTED);
    }

    @Test
    void theFailedAttemptLimitIsConfigurable() {
        Decision decision = new Delivery(1).decide(withStatus(placedView(), DeliveryStatus.IN_TRANSIT),
                failedAttempt(orderId, "x"), NOW);
        assertThat(decision.view().getStatus()).isEqualTo(DeliveryStatus.FAILED);
        assertThatThrownBy(() -> new Delivery(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(DeliveryStatus.class)
    void eachCommandIsRejectedOutsideTheStatusesThatAllowIt(DeliveryStatus status) {
        DeliveryView view = withStatus(placedView(), status);
        assertAllowedOnlyIn(view, assign(orderId, "c-9"),
                EnumSet.of(DeliveryStatus.AWAITING_COURIER, DeliveryStatus.COURIER_ASSIGNED));
        assertAllowedOnlyIn(view, pickup(orderId), EnumSet.of(DeliveryStatus.COURIER_ASSIGNED));
        assertAllowedOnlyIn(view, deliver(orderId, null), EnumSet.of(DeliveryStatus.IN_TRANSIT));
        assertAllowedOnlyIn(view, failedAttempt(orderId, "x"), EnumSet.of(DeliveryStatus.IN_TRANSIT));
    }

    private void assertAllowedOnlyIn(DeliveryView view, DeliveryCommand command, EnumSet<DeliveryStatus> allowed) {
        Decision decision = delivery.decide(view, command, NOW);
        assertThat(decision.result().getCommandId()).isEqualTo(command.getCommandId());
        if (allowed.contains(view.getStatus())) {
            assertThat(decision.result().getOutcome()).isEqualTo(CommandOutcome.ACCEPTED);
        } else {
            assertThat(decision.result().getOutcome()).as("%s in %s", command.getCommand().getClass().getSimpleName(),
                    view.getStatus()).isEqualTo(CommandOutcome.REJECTED);
            assertThat(decision.result().getReason()).contains(view.getStatus().name());
            assertThat(decision.result().getStatus()).isEqualTo(view.getStatus());
            assertThat(decision.viewChanged()).isFalse();
            assertThat(decision.view()).isSameAs(view);
            assertThat(decision.events()).isEmpty();
            assertThat(decision.newHistory()).isEmpty();
        }
    }

    @Test
    void blankCourierIsRejected() {
        Decision decision = delivery.decide(placedView(), assign(orderId, " "), NOW);
        assertThat(decision.result().getOutcome()).isEqualTo(CommandOutcome.REJECTED);
        assertThat(decision.result().getReason()).contains("courierId");
    }

    @Test
    void sameCommandGivesTheSameEventIdDifferentCommandsDifferentOnes() {
        DeliveryCommand command = assign(orderId, "c-1");
        UUID first = ((CourierAssigned) delivery.decide(placedView(), command, NOW).events().get(0)).getEventId();
        UUID again = ((CourierAssigned) delivery.decide(placedView(), command, NOW.plusSeconds(5)).events().get(0))
                .getEventId();
        UUID other = ((CourierAssigned) delivery.decide(placedView(), assign(orderId, "c-1"), NOW).events().get(0))
                .getEventId();
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void decisionsDoNotMutateTheViewTheyStartFrom() {
        DeliveryView view = placedView();
        int historyBefore = view.getHistory().size();
        delivery.decide(view, assign(orderId, "c-1"), NOW);
        delivery.apply(view, OrderEvent.of(cancelled(orderId, 2)), NOW);
        assertThat(view.getHistory()).hasSize(historyBefore);
        assertThat(view.getStatus()).isEqualTo(DeliveryStatus.AWAITING_COURIER);
    }

    // -------------------------------------------------------------------------------------------------------------

    private DeliveryView placedView() {
        return delivery.apply(null, OrderEvent.of(placed(orderId)), T0).view();
    }

    private static DeliveryView withStatus(DeliveryView view, DeliveryStatus status) {
        return DeliveryView.newBuilder(view).setStatus(status).setCourierId("c-0").build();
    }

    private static StatusTransition last(DeliveryView view) {
        return view.getHistory().get(view.getHistory().size() - 1);
    }

    private static void assertAccepted(Decision decision, DeliveryCommand command, DeliveryStatus status) {
        assertThat(decision.result().getOutcome()).isEqualTo(CommandOutcome.ACCEPTED);
        assertThat(decision.result().getStatus()).isEqualTo(status);
        assertThat(decision.result().getReason()).isNull();
        if (command != null) {
            assertThat(decision.result().getCommandId()).isEqualTo(command.getCommandId());
        }
        assertThat(decision.viewChanged()).isTrue();
        assertThat(decision.view().getStatus()).isEqualTo(status);
        assertThat(decision.events()).hasSize(1);
        assertThat(decision.newHistory()).hasSize(1);
        assertThat(last(decision.view()).getTo()).isEqualTo(status);
    }
}
