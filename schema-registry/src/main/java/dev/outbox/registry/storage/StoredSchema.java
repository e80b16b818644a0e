package dev.outbox.registry.storage;


import java.util.List;

/** A schema's content as stored under its id; immutable once written, so it may be cached by id. */
public record StoredSchema(int id, String schemaType, String schemaText, List<SchemaReference> references) {
}
