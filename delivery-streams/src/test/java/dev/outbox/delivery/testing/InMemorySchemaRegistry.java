package dev.outbox.delivery.testing;

import dev.outbox.serde.SchemaMetadata;
import dev.outbox.serde.SchemaRegistryClient;
import dev.outbox.serde.SchemaRegistryException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * A schema registry in memory, behaving like the Confluent one for what the serdes use: ids are registry-wide (the
 * same schema gets the same id under every subject), versions count per subject, unknown ids and subjects answer 404
 * with Confluent's error codes.
 */
public class InMemorySchemaRegistry implements SchemaRegistryClient {

    private final Map<Integer, Schema> schemasById = new LinkedHashMap<>();
    private final Map<String, List<SchemaMetadata>> subjects = new LinkedHashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<SchemaMetadata> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        for (SchemaMetadata version : versions) {
            if (version.schema().equals(schema)) {
                return version.id();
            }
        }
        int id = idOf(schema);
        versions.add(new SchemaMetadata(subject, id, versions.size() + 1, schema));
        return id;
    }

    private int idOf(Schema schema) {
        for (Map.Entry<Integer, Schema> entry : schemasById.entrySet()) {
            if (entry.getValue().equals(schema)) {
                return entry.getKey();
            }
        }
        int id = schemasById.size() + 1;
        schemasById.put(id, schema);
        return id;
    }

    @Override
    public synchronized SchemaMetadata lookup(String subject, Schema schema) {
        for (SchemaMetadata version : subjects.getOrDefault(subject, List.of())) {
            if (version.schema().equals(schema)) {
                return version;
            }
        }
        throw notFound(subjects.containsKey(subject) ? SchemaRegistryException.SCHEMA_NOT_FOUND
                : SchemaRegistryException.SUBJECT_NOT_FOUND, "schema not found under " + subject);
    }

    @Override
    public synchronized Schema getSchemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw notFound(SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
        }
        return schema;
    }

    @Override
    public synchronized SchemaMetadata getLatestSchemaMetadata(String subject) {
        List<SchemaMetadata> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw notFound(SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject " + subject + " not found");
        }
        return versions.get(versions.size() - 1);
    }

    public synchronized Set<String> subjects() {
        return Set.copyOf(subjects.keySet());
    }

    private static SchemaRegistryException notFound(int code, String message) {
        return new SchemaRegistryException(message, null, 404, code, message);
    }
}
