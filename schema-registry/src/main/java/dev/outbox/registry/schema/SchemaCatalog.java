package dev.outbox.registry.schema;

import dev.outbox.registry.http.Errors;
import dev.outbox.registry.storage.RegistryStore;
import dev.outbox.registry.storage.SchemaReference;
import dev.outbox.registry.storage.StoredSchema;
import dev.outbox.registry.storage.StoredVersion;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Schemas by id, and posted schemas resolved against what is registered. Content under an id never changes (ids
 * are never reused for other content), so stored and parsed schemas are cached by id, across instances too.
 */
@Component
public class SchemaCatalog {

    private static final int CACHE_SIZE = 10_000;

    private final RegistryStore store;
    private final Map<Integer, StoredSchema> stored = lru();
    private final Map<Integer, ParsedSchema> parsed = lru();

    public SchemaCatalog(RegistryStore store) {
        this.store = store;
    }

    /**
     * Parses a posted schema into its normal form, its references resolved to registered versions ("latest" or -1
     * to the latest one).
     *
     * @param isNew true when it is being registered (defaults are then validated, as Confluent does)
     */
    public ParsedSchema parse(String text, List<SchemaReference> references, boolean isNew) {
        List<SchemaReference> resolved = new ArrayList<>();
        Map<Integer, String> texts = new LinkedHashMap<>();
        for (SchemaReference reference : references == null ? List.<SchemaReference>of() : references) {
            if (reference == null || reference.name() == null || reference.subject() == null) {
                throw Errors.invalidSchema("Invalid schema reference " + reference + ": name and subject are required");
            }
            boolean latest = reference.version() == null || reference.version() == -1;
            StoredVersion target = (latest ? store.latestLiveVersion(reference.subject())
                    : store.version(reference.subject(), reference.version()))
                    .orElseThrow(() -> Errors.invalidSchema("Invalid schema reference " + reference
                            + ": no such subject version"));
            resolved.add(new SchemaReference(reference.name(), reference.subject(), target.version()));
            addWithDependencies(target.schemaId(), texts);
        }
        return AvroSchemaParser.parse(text, resolved, List.copyOf(texts.values()), isNew);
    }

    public Optional<StoredSchema> stored(int id) {
        StoredSchema hit = stored.get(id);
        if (hit != null) {
            return Optional.of(hit);
        }
        Optional<StoredSchema> found = store.findSchema(id);
        found.ifPresent(s -> stored.put(id, s));
        return found;
    }

    /** A stored schema, parsed (for compatibility checks against it). */
    public ParsedSchema parsed(int id) {
        ParsedSchema hit = parsed.get(id);
        if (hit != null) {
            return hit;
        }
        StoredSchema content = stored(id).orElseThrow(() -> Errors.schemaNotFound(id));
        Map<Integer, String> texts = new LinkedHashMap<>();
        for (SchemaReference reference : content.references()) {
            StoredVersion target = store.version(reference.subject(), reference.version())
                    .orElseThrow(() -> Errors.storeError("Schema " + id + " references " + reference.subject()
                            + " version " + reference.version() + ", which no longer exists"));
            addWithDependencies(target.schemaId(), texts);
        }
        ParsedSchema result = AvroSchemaParser.parse(content.schemaText(), content.references(),
                List.copyOf(texts.values()), false);
        parsed.put(id, result);
        return result;
    }

    /** Adds a schema's text after those of everything it references, each once. */
    private void addWithDependencies(int schemaId, Map<Integer, String> texts) {
        if (texts.containsKey(schemaId)) {
            return;
        }
        StoredSchema content = stored(schemaId).orElseThrow(() -> Errors.schemaNotFound(schemaId));
        for (SchemaReference reference : content.references()) {
            store.version(reference.subject(), reference.version())
                    .ifPresent(v -> addWithDependencies(v.schemaId(), texts));
        }
        texts.put(schemaId, content.schemaText());
    }

    private static <V> Map<Integer, V> lru() {
        return Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, V> eldest) {
                return size() > CACHE_SIZE;
            }
        });
    }
}
