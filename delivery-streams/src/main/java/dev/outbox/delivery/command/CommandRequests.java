package dev.outbox.delivery.command;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * Request bodies of the command endpoints, checked with Bean Validation as the order API checks its own; a
 * violation is a 400 problem naming the field (see {@code ProblemHandler}). Text is stripped before it is sent.
 */
public final class CommandRequests {

    /** An id, as long as the order API allows its ids (customerId). */
    static final int MAX_ID = 64;
    static final int MAX_TEXT = 200;
    static final String REQUIRED = "is required and must not be blank";
    static final String TOO_LONG = "must be at most {max} characters";

    private CommandRequests() {
    }

    public record AssignCourierRequest(
            @NotBlank(message = REQUIRED) @Size(max = MAX_ID, message = TOO_LONG) @PlainText String courierId) {
    }

    public record ConfirmDeliveryRequest(@Size(max = MAX_TEXT, message = TOO_LONG) @PlainText String receivedBy) {

        /** Who received it, or null when not said (absent or blank). */
        String receivedByOrNull() {
            return receivedBy == null || receivedBy.isBlank() ? null : receivedBy.strip();
        }
    }

    public record ReportFailedAttemptRequest(
            @NotBlank(message = REQUIRED) @Size(max = MAX_TEXT, message = TOO_LONG) @PlainText String reason) {
    }
}
