package dev.outbox.registry.storage;

/** A subject and whether any of its versions is not soft-deleted. */
public record SubjectState(String subject, boolean live) {
}
