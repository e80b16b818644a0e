package dev.outbox.delivery.command;

import java.time.Instant;

/** Body of a 202: the command was accepted, and the delivery's status after it. */
public record CommandAccepted(String commandId, String orderId, String outcome, String status, Instant decidedAt) {
}
