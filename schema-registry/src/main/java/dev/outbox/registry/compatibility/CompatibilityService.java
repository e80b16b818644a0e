package dev.outbox.registry.compatibility;

import dev.outbox.registry.config.CompatibilityLevel;
import dev.outbox.registry.config.ConfigService;
import dev.outbox.registry.http.Errors;
import dev.outbox.registry.http.RegistryException;
import dev.outbox.registry.schema.ParsedSchema;
import dev.outbox.registry.schema.RegisterSchemaRequest;
import dev.outbox.registry.schema.SchemaCatalog;
import dev.outbox.registry.schema.VersionId;
import dev.outbox.registry.storage.RegistryStore;
import dev.outbox.registry.storage.StoredVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;

/** Compatibility of a schema with a subject's versions, for registration and for the test endpoints. */
@Service
public class CompatibilityService {

    private final RegistryStore store;
    private final SchemaCatalog catalog;
    private final ConfigService config;

    public CompatibilityService(RegistryStore store, SchemaCatalog catalog, ConfigService config) {
        this.store = store;
        this.catalog = catalog;
        this.config = config;
    }

    /**
     * @param liveOldestFirst the versions to check against (non-deleted ones), oldest first
     * @return the incompatibilities, empty when compatible
     */
    public List<String> check(CompatibilityLevel level, ParsedSchema candidate, List<StoredVersion> liveOldestFirst) {
        List<CompatibilityChecker.Previous> previous = new ArrayList<>();
        for (int i = liveOldestFirst.size() - 1; i >= 0; i--) {
            StoredVersion v = liveOldestFirst.get(i);
            ParsedSchema old = catalog.parsed(v.schemaId());
            previous.add(new CompatibilityChecker.Previous(v.version(), old.schema(), old.canonical()));
            if (!level.transitive()) {
                break;
            }
        }
        return CompatibilityChecker.check(level, candidate.schema(), previous);
    }

    /**
     * Confluent's {@code POST /compatibility/subjects/{s}/versions/{v}}: against that one (live) version, with the
     * subject's level; "latest" of a subject without versions is compatible.
     */
    public CompatibilityCheckResponse testAgainstVersion(String subject, String version, RegisterSchemaRequest request,
                                                         boolean verbose) {
        VersionId versionId = VersionId.parse(version);
        Optional<StoredVersion> target = versionId.latest() ? store.latestLiveVersion(subject)
                : store.version(subject, versionId.value()).filter(v -> !v.deleted());
        if (target.isEmpty() && !versionId.latest()) {
            throw store.hasVersions(subject, false) ? Errors.versionNotFound(versionId.value())
                    : Errors.subjectNotFound(subject);
        }
        return test(subject, request, verbose, target.map(List::of).orElse(List.of()));
    }

    /**
     * Confluent's {@code POST /compatibility/subjects/{s}/versions}: the same check registration makes, against the
     * latest live version or, for transitive levels, all of them.
     */
    public CompatibilityCheckResponse testAgainstAll(String subject, RegisterSchemaRequest request, boolean verbose) {
        List<StoredVersion> live = store.versions(subject).stream().filter(v -> !v.deleted()).toList();
        return test(subject, request, verbose, live);
    }

    private CompatibilityCheckResponse test(String subject, RegisterSchemaRequest request, boolean verbose,
                                            List<StoredVersion> against) {
        List<String> problems;
        try {
            if (request.schemaType() != null && !ParsedSchema.AVRO.equals(request.schemaType())) {
                throw Errors.invalidSchema("Invalid schema type " + request.schemaType());
            }
            ParsedSchema candidate = catalog.parse(request.schema(), request.references(), true);
            problems = check(config.inScope(subject), candidate, against);
        } catch (RegistryException e) {
            // as in Confluent: an invalid schema is an error, or with verbose=true an incompatibility with a reason
            if (!verbose || e.errorCode() != Errors.INVALID_SCHEMA) {
                throw e;
            }
            problems = List.of(e.getMessage());
        }
        return new CompatibilityCheckResponse(problems.isEmpty(), verbose ? problems : null);
    }
}
