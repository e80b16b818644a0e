package dev.outbox.stack;

/** A part of the stack could not be started or reached; the message names the part and its log file. */
public class StackException extends RuntimeException {
    public StackException(String message) {
        super(message);
    }

    public StackException(String message, Throwable cause) {
        super(message, cause);
    }
}
