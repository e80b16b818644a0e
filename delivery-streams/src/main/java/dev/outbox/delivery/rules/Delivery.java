package dev.outbox.delivery.rules;

import dev.outbox.events.common.DeliveryAddress;
import dev.outbox.events.delivery.AssignCourier;
import dev.outbox.events.delivery.CommandOutcome;
import dev.outbox.events.delivery.ConfirmDelivery;
import dev.outbox.events.delivery.ConfirmPickup;
import dev.outbox.events.delivery.CourierAssigned;
import dev.outbox.events.delivery.DeliveryAttemptFailed;
import dev.outbox.events.delivery.DeliveryCommand;
import dev.outbox.events.delivery.DeliveryCommandResult;
import dev.outbox.events.delivery.DeliveryConfirmed;
import dev.outbox.events.delivery.DeliveryStatus;
import dev.outbox.events.delivery.DeliveryView;
import dev.outbox.events.delivery.PickupConfirmed;
import dev.outbox.events.delivery.ReportFailedAttempt;
import dev.outbox.events.delivery.StatusTransition;
import dev.outbox.events.order.DeliveryAddressChanged;
import dev.outbox.events.order.OrderCancelled;
import dev.outbox.events.order.OrderPlaced;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * The delivery aggregate's rules, as a pure decider: given the current {@link DeliveryView} (or none) and an order
 * event or a delivery command, it returns a {@link Decision} (new view, history entries, delivery events, command
 * result). No I/O, no clock, no randomness: the caller passes {@code now}, and the ids of decided events are derived
 * from the command id, so deciding the same command twice gives the same events.
 *
 * <p>Order events come from the order service, which has already decided them: they are facts, so they are never
 * refused, only applied or, when they come too late to change the delivery (a cancellation after pickup), recorded
 * in the history as {@code rejected}. Commands are requests, and are refused when the delivery's status forbids them.
 *
 * <p>Every rule of the aggregate is here: which order event applies in which status, which command is allowed when,
 * and how far one delivery may grow (commands that would add a history entry past {@code maxChanges} are refused).
 * The view's {@code history} is appended to and {@code historySize} counts every entry; keeping only the latest
 * entries in the stored view is the projection's job, not a rule.
 *
 * <p>Not final only so that tests can hand the processor decisions that cannot be published.
 */
public class Delivery {

    /** History {@code cause} of the entry recording that missing order events were given up on. */
    public static final String GAP_SKIPPED = "OrderEventGapSkipped";

    /** How an order event fits the view's order sequence. */
    public enum Fit {
        /** The next event of the order (or the OrderPlaced of an unknown order): apply now. */
        NEXT,
        /** Already applied or overtaken (sequence ≤ the view's): drop. */
        STALE,
        /** Comes after events not seen yet (a gap, or no OrderPlaced yet): wait for the missing ones. */
        EARLY
    }

    /** The most history entries one delivery takes by default (see {@link #Delivery(int, int)}). */
    public static final int DEFAULT_MAX_CHANGES = 100;

    private final int maxFailedAttempts;
    private final int maxChanges;

    /** With {@value #DEFAULT_MAX_CHANGES} changes at most per delivery. */
    public Delivery(int maxFailedAttempts) {
        this(maxFailedAttempts, DEFAULT_MAX_CHANGES);
    }

    /**
     * @param maxFailedAttempts failed delivery attempts after which the delivery is FAILED (at least 1)
     * @param maxChanges        history entries after which commands that would add one are refused: what one client
     *                          can make a delivery grow by is bounded (order events are bounded at the order service)
     */
    public Delivery(int maxFailedAttempts, int maxChanges) {
        if (maxFailedAttempts < 1) {
            throw new IllegalArgumentException("maxFailedAttempts must be at least 1, was " + maxFailedAttempts);
        }
        if (maxChanges < 1) {
            throw new IllegalArgumentException("maxChanges must be at least 1, was " + maxChanges);
        }
        this.maxFailedAttempts = maxFailedAttempts;
        this.maxChanges = maxChanges;
    }

    /**
     * How many entries the delivery's whole history has. Views written before {@code historySize} existed carry it
     * as 0, and then every entry is still in their {@code history}.
     */
    public static long historySize(DeliveryView view) {
        return Math.max(view.getHistorySize(), view.getHistory().size());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // order events

    public Fit fit(DeliveryView view, OrderEvent event) {
        if (view == null) {
            // only OrderPlaced can start a delivery; anything else waits for it
            return event.isOrderPlaced() ? Fit.NEXT : Fit.EARLY;
        }
        long expected = view.getOrderSequence() + 1;
        if (event.sequence() < expected) {
            return Fit.STALE;
        }
        return event.sequence() == expected ? Fit.NEXT : Fit.EARLY;
    }

    /**
     * Applies an order event whose {@link #fit} is {@link Fit#NEXT}.
     *
     * @throws IllegalStateException when there is no delivery and the event is not OrderPlaced
     */
    public Decision apply(DeliveryView view, OrderEvent event, Instant now) {
        return applyOrderEvent(view, event, now, null);
    }

    /**
     * Applies an order event although earlier ones never arrived (the gap timeout passed): records the skipped
     * sequence numbers in the history first, so the view says why it moved on without them.
     */
    public Decision applyAfterGap(DeliveryView view, OrderEvent event, Instant now) {
        if (view == null || event.sequence() <= view.getOrderSequence() + 1) {
            return applyOrderEvent(view, event, now, null);
        }
        long firstMissing = view.getOrderSequence() + 1;
        long lastMissing = event.sequence() - 1;
        String missing = firstMissing == lastMissing ? "order event " + firstMissing
                : "order events " + firstMissing + ".." + lastMissing;
        StatusTransition gap = transition(view.getStatus(), view.getStatus(), GAP_SKIPPED, event.eventId(), now, false,
                missing + " never arrived; continuing with " + event.sequence() + " (" + event.type() + ")");
        return applyOrderEvent(view, event, now, gap);
    }

    private Decision applyOrderEvent(DeliveryView view, OrderEvent event, Instant now, StatusTransition gap) {
        SpecificRecord payload = event.payload();
        if (view == null) {
            if (payload instanceof OrderPlaced placed) {
                return placed(placed, now);
            }
            throw new IllegalStateException("no delivery for order " + event.orderId() + " to apply " + event.type()
                    + " to; only OrderPlaced starts one");
        }
        DeliveryStatus status = view.getStatus();
        DeliveryView.Builder next = copyOf(view)
                .setOrderSequence(event.sequence())
                .setUpdatedAt(now);
        StatusTransition entry;
        if (payload instanceof DeliveryAddressChanged changed) {
            if (beforePickup(status)) {
                next.setDeliveryAddress(changed.getDeliveryAddress());
                entry = transition(status, status, event, false, "new address: " + describe(changed.getDeliveryAddress()));
            } else {
                entry = transition(status, status, event, true, "address change not applied: delivery is " + status);
            }
        } else if (payload instanceof OrderCancelled cancelled) {
            if (beforePickup(status)) {
                entry = transition(status, DeliveryStatus.CANCELLED, event, false, cancelled.getReason());
                next.setStatus(DeliveryStatus.CANCELLED);
            } else {
                entry = transition(status, status, event, true,
                        "cancellation not applied: delivery is " + status + " (reason given: " + cancelled.getReason() + ")");
            }
        } else if (payload instanceof OrderPlaced) {
            // a second OrderPlaced with a new sequence: the order service would not do this; keep it visible
            entry = transition(status, status, event, true, "order was already placed; repeated OrderPlaced not applied");
        } else {
            throw new IllegalArgumentException("not an order event: " + payload.getClass().getName());
        }
        List<StatusTransition> added = gap == null ? List.of(entry) : List.of(gap, entry);
        next.getHistory().addAll(added);
        next.setHistorySize(historySize(view) + added.size());
        return new Decision(next.build(), true, added, List.of(), null);
    }

    private static Decision placed(OrderPlaced placed, Instant now) {
        StatusTransition entry = transition(null, DeliveryStatus.AWAITING_COURIER, "OrderPlaced", placed.getEventId(),
                placed.getOccurredAt(), false, null);
        DeliveryView view = DeliveryView.newBuilder()
                .setOrderId(placed.getOrderId())
                .setCustomerId(placed.getCustomerId())
                .setLines(new ArrayList<>(placed.getLines()))
                .setDeliveryAddress(placed.getDeliveryAddress())
                // OrderPlaced v2 (an order service of the previous version) carries none: null, its default
                .setGiftMessage(placed.getGiftMessage())
                .setStatus(DeliveryStatus.AWAITING_COURIER)
                .setCourierId(null)
                .setFailedAttempts(0)
                .setOrderSequence(placed.getSequence())
                .setPlacedAt(placed.getOccurredAt())
                .setUpdatedAt(now)
                .setHistory(new ArrayList<>(List.of(entry)))
                .setHistorySize(1)
                .build();
        return new Decision(view, true, List.of(entry), List.of(), null);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // commands

    /** Decides a command against the delivery as it is now; every command gets exactly one result. */
    public Decision decide(DeliveryView view, DeliveryCommand command, Instant now) {
        if (view == null) {
            return answer(null, command, CommandOutcome.UNKNOWN_ORDER,
                    "no delivery for order " + command.getOrderId() + " (the order is unknown, or not placed yet)", now);
        }
        Object request = command.getCommand();
        DeliveryStatus status = view.getStatus();
        if (request instanceof AssignCourier assign) {
            if (status != DeliveryStatus.AWAITING_COURIER && status != DeliveryStatus.COURIER_ASSIGNED) {
                return reject(view, command, "AssignCourier", "AWAITING_COURIER or COURIER_ASSIGNED", now);
            }
            if (isBlank(assign.getCourierId())) {
                return answer(view, command, CommandOutcome.REJECTED, "courierId must not be blank", now);
            }
            String previous = view.getCourierId();
            if (status == DeliveryStatus.COURIER_ASSIGNED && assign.getCourierId().equals(previous)) {
                // already so: accepted, but nothing happened, so no event and no history entry
                return answer(view, command, CommandOutcome.ACCEPTED, "courier " + previous + " is already assigned",
                        now);
            }
            CourierAssigned event = new CourierAssigned(eventId(command, "CourierAssigned"), view.getOrderId(),
                    command.getCommandId(), now, assign.getCourierId());
            String note = previous == null || status == DeliveryStatus.AWAITING_COURIER
                    ? "courier " + assign.getCourierId()
                    : "courier " + assign.getCourierId() + " (was " + previous + ")";
            DeliveryView.Builder next = copyOf(view).setCourierId(assign.getCourierId());
            return accept(view, next, command, DeliveryStatus.COURIER_ASSIGNED, event, event.getEventId(), note, now);
        }
        if (request instanceof ConfirmPickup) {
            if (status != DeliveryStatus.COURIER_ASSIGNED) {
                return reject(view, command, "ConfirmPickup", "COURIER_ASSIGNED", now);
            }
            PickupConfirmed event = new PickupConfirmed(eventId(command, "PickupConfirmed"), view.getOrderId(),
                    command.getCommandId(), now);
            return accept(view, copyOf(view), command, DeliveryStatus.IN_TRANSIT, event,
                    event.getEventId(), "picked up by courier " + view.getCourierId(), now);
        }
        if (request instanceof ConfirmDelivery confirm) {
            if (status != DeliveryStatus.IN_TRANSIT) {
                return reject(view, command, "ConfirmDelivery", "IN_TRANSIT", now);
            }
            DeliveryConfirmed event = new DeliveryConfirmed(eventId(command, "DeliveryConfirmed"), view.getOrderId(),
                    command.getCommandId(), now, confirm.getReceivedBy());
            String note = confirm.getReceivedBy() == null ? null : "received by " + confirm.getReceivedBy();
            return accept(view, copyOf(view), command, DeliveryStatus.DELIVERED, event,
                    event.getEventId(), note, now);
        }
        if (request instanceof ReportFailedAttempt failed) {
            if (status != DeliveryStatus.IN_TRANSIT) {
                return reject(view, command, "ReportFailedAttempt", "IN_TRANSIT", now);
            }
            if (isBlank(failed.getReason())) {
                return answer(view, command, CommandOutcome.REJECTED, "reason must not be blank", now);
            }
            int attempt = view.getFailedAttempts() + 1;
            DeliveryAttemptFailed event = new DeliveryAttemptFailed(eventId(command, "DeliveryAttemptFailed"),
                    view.getOrderId(), command.getCommandId(), now, failed.getReason(), attempt);
            // the last allowed attempt ends the delivery; there is no separate "DeliveryFailed" event in the schemas
            DeliveryStatus after = attempt >= maxFailedAttempts ? DeliveryStatus.FAILED : DeliveryStatus.IN_TRANSIT;
            DeliveryView.Builder next = copyOf(view).setFailedAttempts(attempt);
            return accept(view, next, command, after, event, event.getEventId(),
                    "attempt " + attempt + " of " + maxFailedAttempts + " failed: " + failed.getReason(), now);
        }
        return answer(view, command, CommandOutcome.REJECTED, "unsupported command "
                + (request == null ? "null" : request.getClass().getSimpleName()), now);
    }

    private Decision accept(DeliveryView view, DeliveryView.Builder next, DeliveryCommand command,
                            DeliveryStatus to, SpecificRecord event, UUID eventId, String note, Instant now) {
        if (historySize(view) >= maxChanges) {
            return answer(view, command, CommandOutcome.REJECTED, "the delivery of order " + view.getOrderId()
                    + " has had " + historySize(view) + " changes, the most one delivery takes", now);
        }
        StatusTransition entry = transition(view.getStatus(), to, event.getSchema().getName(), eventId, now, false, note);
        next.setStatus(to).setUpdatedAt(now);
        next.getHistory().add(entry);
        next.setHistorySize(historySize(view) + 1);
        DeliveryView updated = next.build();
        DeliveryCommandResult result = new DeliveryCommandResult(command.getCommandId(), command.getOrderId(),
                CommandOutcome.ACCEPTED, to, null, now);
        return new Decision(updated, true, List.of(entry), List.of(event), result);
    }

    private static Decision reject(DeliveryView view, DeliveryCommand command, String name, String allowedIn,
                                   Instant now) {
        return answer(view, command, CommandOutcome.REJECTED,
                name + " is allowed only when the delivery is " + allowedIn + "; it is " + view.getStatus(), now);
    }

    /** A decision that changes nothing: only the command's result. */
    private static Decision answer(DeliveryView view, DeliveryCommand command, CommandOutcome outcome, String reason,
                                   Instant now) {
        DeliveryCommandResult result = new DeliveryCommandResult(command.getCommandId(), command.getOrderId(), outcome,
                view == null ? null : view.getStatus(), reason, now);
        return new Decision(view, false, List.of(), List.of(), result);
    }

    // ---------------------------------------------------------------------------------------------------------------

    /**
     * A builder holding the view's values, with its own history list to append to. Shallow on purpose: the nested
     * records are never modified, so Avro's deep copy ({@code newBuilder(view)}) would copy the whole history on
     * every event for nothing.
     */
    private static DeliveryView.Builder copyOf(DeliveryView view) {
        return DeliveryView.newBuilder()
                .setOrderId(view.getOrderId())
                .setCustomerId(view.getCustomerId())
                .setLines(view.getLines())
                .setDeliveryAddress(view.getDeliveryAddress())
                .setGiftMessage(view.getGiftMessage())
                .setStatus(view.getStatus())
                .setCourierId(view.getCourierId())
                .setFailedAttempts(view.getFailedAttempts())
                .setOrderSequence(view.getOrderSequence())
                .setPlacedAt(view.getPlacedAt())
                .setUpdatedAt(view.getUpdatedAt())
                .setHistory(new ArrayList<>(view.getHistory()))
                .setHistorySize(historySize(view));
    }

    /** Before pickup the parcel is still at the sender's: the address can change and the order can be cancelled. */
    private static boolean beforePickup(DeliveryStatus status) {
        return status == DeliveryStatus.AWAITING_COURIER || status == DeliveryStatus.COURIER_ASSIGNED;
    }

    /** Same command, same event id: a command decided again (after a crash before commit) yields the same event. */
    static UUID eventId(DeliveryCommand command, String eventType) {
        return UUID.nameUUIDFromBytes((command.getCommandId() + "/" + eventType).getBytes(StandardCharsets.UTF_8));
    }

    private static StatusTransition transition(DeliveryStatus from, DeliveryStatus to, OrderEvent event,
                                               boolean rejected, String note) {
        return transition(from, to, event.type(), event.eventId(), event.occurredAt(), rejected, note);
    }

    private static StatusTransition transition(DeliveryStatus from, DeliveryStatus to, String cause, UUID eventId,
                                               Instant at, boolean rejected, String note) {
        return StatusTransition.newBuilder()
                .setFrom(from)
                .setTo(to)
                .setCause(cause)
                .setEventId(eventId)
                .setAt(at)
                .setRejected(rejected)
                .setNote(note)
                .build();
    }

    private static String describe(DeliveryAddress address) {
        return address.getStreet() + ", " + address.getPostalCode() + " " + address.getCity() + ", "
                + address.getCountry();
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
