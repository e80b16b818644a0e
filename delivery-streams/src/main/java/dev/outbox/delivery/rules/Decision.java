package dev.outbox.delivery.rules;

import dev.outbox.events.delivery.DeliveryCommandResult;
import dev.outbox.events.delivery.DeliveryView;
import dev.outbox.events.delivery.StatusTransition;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * What {@link Delivery} decided for one order event or command.
 *
 * @param view        the delivery after the decision (unchanged when nothing changed); null while there is no delivery
 * @param viewChanged whether {@code view} differs from the view the decision started from, i.e. must be stored
 * @param newHistory  the history entries this decision appended (each one is published as a status change)
 * @param events      the delivery events decided (CourierAssigned, PickupConfirmed ...); empty for order events
 * @param result      the answer to a command; null for order events
 */
public record Decision(DeliveryView view, boolean viewChanged, List<StatusTransition> newHistory,
                       List<SpecificRecord> events, DeliveryCommandResult result) {

    public Decision {
        newHistory = List.copyOf(newHistory);
        events = List.copyOf(events);
    }
}
