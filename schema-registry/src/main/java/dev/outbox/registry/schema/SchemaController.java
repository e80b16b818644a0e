package dev.outbox.registry.schema;

import dev.outbox.registry.http.Errors;
import dev.outbox.registry.http.RegistryMediaTypes;
import dev.outbox.registry.http.RequestBodies;
import dev.outbox.registry.storage.RegistryStore;
import dev.outbox.registry.storage.StoredSchema;
import dev.outbox.registry.storage.StoredVersion;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /schemas}: schemas by global id (what deserializers ask for), and the schema types served. An id stays
 * readable while any subject version holds it, soft-deleted ones included, so data written with it stays readable.
 */
@RestController
@RequestMapping(path = "/schemas", produces = {RegistryMediaTypes.V1_JSON, RegistryMediaTypes.DEFAULT_JSON,
        RegistryMediaTypes.JSON})
public class SchemaController {

    private final RegistryStore store;
    private final SchemaCatalog catalog;

    public SchemaController(RegistryStore store, SchemaCatalog catalog) {
        this.store = store;
        this.catalog = catalog;
    }

    /** The {@code subject} and {@code format} parameters Confluent takes are accepted; ids are global here. */
    @GetMapping("/ids/{id}")
    public SchemaString byId(@PathVariable String id, @RequestParam(required = false) String fetchMaxId) {
        StoredSchema schema = registered(id);
        return new SchemaString(RegisteredSchema.typeField(schema.schemaType()),
                RegisteredSchema.referencesField(schema.references()), schema.schemaText(),
                RequestBodies.flag(fetchMaxId) ? store.maxSchemaId() : null);
    }

    @GetMapping("/ids/{id}/schema")
    public String textById(@PathVariable String id) {
        return registered(id).schemaText();
    }

    @GetMapping("/ids/{id}/versions")
    public List<SubjectVersion> versionsById(@PathVariable String id, @RequestParam(required = false) String deleted) {
        return holders(registered(id).id(), RequestBodies.flag(deleted)).stream()
                .map(v -> new SubjectVersion(v.subject(), v.version())).toList();
    }

    @GetMapping("/ids/{id}/subjects")
    public List<String> subjectsById(@PathVariable String id, @RequestParam(required = false) String deleted) {
        return holders(registered(id).id(), RequestBodies.flag(deleted)).stream()
                .map(StoredVersion::subject).distinct().toList();
    }

    @GetMapping("/types")
    public List<String> types() {
        return List.of(ParsedSchema.AVRO);
    }

    /** Every registered schema version, optionally by subject prefix, or each subject's latest only. */
    @GetMapping
    public List<RegisteredSchema> list(@RequestParam(required = false) String subjectPrefix,
                                       @RequestParam(required = false) String deleted,
                                       @RequestParam(required = false) String latestOnly) {
        boolean includeDeleted = RequestBodies.flag(deleted);
        Map<String, List<StoredVersion>> bySubject = new LinkedHashMap<>();
        for (StoredVersion v : store.allVersions()) {
            if ((includeDeleted || !v.deleted()) && (subjectPrefix == null || v.subject().startsWith(subjectPrefix))) {
                bySubject.computeIfAbsent(v.subject(), s -> new ArrayList<>()).add(v);
            }
        }
        List<RegisteredSchema> result = new ArrayList<>();
        bySubject.keySet().stream().sorted().forEach(subject -> {
            List<StoredVersion> versions = bySubject.get(subject);
            List<StoredVersion> chosen = RequestBodies.flag(latestOnly) ? versions.subList(versions.size() - 1,
                    versions.size()) : versions;
            for (StoredVersion v : chosen) {
                catalog.stored(v.schemaId()).ifPresent(s -> result.add(RegisteredSchema.of(subject, v.version(), s)));
            }
        });
        return result;
    }

    private StoredSchema registered(String id) {
        int number;
        try {
            number = Integer.parseInt(id);
        } catch (NumberFormatException e) {
            // JAX-RS answers an unconvertible path parameter with a plain 404
            throw Errors.plainHttp(HttpStatus.NOT_FOUND);
        }
        if (store.versionsOfSchema(number).isEmpty()) {
            throw Errors.schemaNotFound(number);
        }
        return catalog.stored(number).orElseThrow(() -> Errors.schemaNotFound(number));
    }

    private List<StoredVersion> holders(int id, boolean includeDeleted) {
        return store.versionsOfSchema(id).stream().filter(v -> includeDeleted || !v.deleted()).toList();
    }
}
