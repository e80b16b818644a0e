package dev.outbox.registry.storage;

/** One version of a subject as stored: which schema id it holds and whether it is soft-deleted. */
public record StoredVersion(String subject, int version, int schemaId, boolean deleted) {
}
