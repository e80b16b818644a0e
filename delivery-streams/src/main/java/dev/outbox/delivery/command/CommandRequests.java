package dev.outbox.delivery.command;

/** Request bodies of the command endpoints. */
public final class CommandRequests {

    private CommandRequests() {
    }

    public record AssignCourierRequest(String courierId) {
    }

    public record ConfirmDeliveryRequest(String receivedBy) {
    }

    public record ReportFailedAttemptRequest(String reason) {
    }
}
