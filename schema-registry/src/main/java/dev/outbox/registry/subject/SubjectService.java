package dev.outbox.registry.subject;

import dev.outbox.registry.compatibility.CompatibilityService;
import dev.outbox.registry.config.CompatibilityLevel;
import dev.outbox.registry.config.ConfigService;
import dev.outbox.registry.http.Errors;
import dev.outbox.registry.mode.Mode;
import dev.outbox.registry.mode.ModeService;
import dev.outbox.registry.schema.ParsedSchema;
import dev.outbox.registry.schema.RegisterSchemaRequest;
import dev.outbox.registry.schema.RegisteredSchema;
import dev.outbox.registry.schema.SchemaCatalog;
import dev.outbox.registry.schema.VersionId;
import dev.outbox.registry.storage.RegistryStore;
import dev.outbox.registry.storage.StoredVersion;
import dev.outbox.registry.storage.SubjectState;
import dev.outbox.registry.storage.Transactions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/**
 * Subjects and their versions: registration, lookup, listing and (soft and permanent) deletion, with Confluent's
 * semantics: ids are global per schema content, registering a schema the subject already has returns its id without
 * a new version, soft-deleted versions stay readable with {@code deleted=true} until deleted permanently.
 *
 * <p>Longer than most classes on purpose: these rules (and the read-only mode and references they check) are one
 * aggregate's, Confluent's subject, and stay together in its transactions.
 */
@Service
public class SubjectService {

    /** The subject column's width; longer names are refused rather than truncated. */
    static final int MAX_SUBJECT_LENGTH = 512;

    private final RegistryStore store;
    private final Transactions transactions;
    private final SchemaCatalog catalog;
    private final CompatibilityService compatibility;
    private final ConfigService config;
    private final ModeService modes;

    public SubjectService(RegistryStore store, Transactions transactions, SchemaCatalog catalog,
                          CompatibilityService compatibility, ConfigService config, ModeService modes) {
        this.store = store;
        this.transactions = transactions;
        this.catalog = catalog;
        this.compatibility = compatibility;
        this.config = config;
        this.modes = modes;
    }

    // ---------------------------------------------------------------------------------------------------------
    // reading

    /** Subject names, sorted: those with a live version; with {@code deleted} all; with {@code deletedOnly} the rest. */
    public List<String> subjects(String prefix, boolean deleted, boolean deletedOnly) {
        return store.subjects().stream()
                .filter(s -> deletedOnly ? !s.live() : deleted || s.live())
                .map(SubjectState::subject)
                .filter(s -> prefix == null || s.startsWith(prefix))
                .sorted()
                .toList();
    }

    public List<Integer> versions(String subject, boolean deleted, boolean deletedOnly) {
        if (!store.hasVersions(subject, deleted || deletedOnly)) {
            throw Errors.subjectNotFound(subject);
        }
        return store.versions(subject).stream()
                .filter(v -> deletedOnly ? v.deleted() : deleted || !v.deleted())
                .map(StoredVersion::version)
                .toList();
    }

    /** A version ("latest" is the latest live one, whatever {@code deleted} says, as in Confluent). */
    public RegisteredSchema version(String subject, String version, boolean deleted) {
        VersionId versionId = VersionId.parse(version);
        Optional<StoredVersion> found = versionId.latest() ? store.latestLiveVersion(subject)
                : store.version(subject, versionId.value()).filter(v -> deleted || !v.deleted());
        StoredVersion v = found.orElseThrow(() -> store.hasVersions(subject, deleted)
                ? Errors.versionNotFound(versionId.value()) : Errors.subjectNotFound(subject));
        return RegisteredSchema.of(subject, v.version(), catalog.stored(v.schemaId())
                .orElseThrow(() -> Errors.schemaNotFound(v.schemaId())));
    }

    /** Ids of the schemas that reference a version. */
    public List<Integer> referencedBy(String subject, String version) {
        RegisteredSchema target = version(subject, version, true);
        return store.schemasReferencing(subject, target.version());
    }

    /** Whether the subject already holds this schema; its version if so. */
    public RegisteredSchema lookup(String subject, RegisterSchemaRequest request, boolean deleted) {
        requireAvro(request.schemaType());
        ParsedSchema schema = catalog.parse(request.schema(), request.references(), false);
        return store.findSchemaId(schema.fingerprint())
                .flatMap(id -> store.versionOfSchema(subject, id))
                .filter(v -> deleted || !v.deleted())
                .map(v -> new RegisteredSchema(subject, v.version(), v.schemaId(), null,
                        schema.references().isEmpty() ? null : schema.references(), schema.canonical()))
                .orElseThrow(() -> store.hasVersions(subject, deleted) ? Errors.schemaNotFound()
                        : Errors.subjectNotFound(subject));
    }

    // ---------------------------------------------------------------------------------------------------------
    // registering

    /**
     * Registers a schema under a subject and returns its global id.
     *
     * <p>Concurrency: the write locks the subject's row first, so versions and compatibility checks of one subject
     * are serialised across every registry instance; the content's unique fingerprint makes a concurrent insert of
     * the same schema (under another subject) fail on the key, after which the winner's id is read and used.
     */
    public int register(String subject, RegisterSchemaRequest request) {
        if (subject.isEmpty() || subject.length() > MAX_SUBJECT_LENGTH || subject.chars().anyMatch(Character::isISOControl)) {
            throw Errors.invalidSubject(subject);
        }
        requireAvro(request.schemaType());
        int requestedId = request.id() == null ? -1 : request.id();
        int requestedVersion = request.version() == null ? 0 : request.version();
        ParsedSchema schema = catalog.parse(request.schema(), request.references(), true);

        // Already registered under this subject: the id, without a write. Confluent answers this before looking at
        // the mode, so producers keep getting their ids from a read-only registry.
        if (requestedVersion == 0) {
            Optional<Integer> known = store.findSchemaId(schema.fingerprint())
                    .filter(id -> requestedId < 0 || requestedId == id)
                    .filter(id -> store.versionOfSchema(subject, id).filter(v -> !v.deleted()).isPresent());
            if (known.isPresent()) {
                return known.get();
            }
        }

        Mode mode = modes.inScope(subject);
        if (mode.readOnly()) {
            throw Errors.operationNotPermitted("Subject " + subject + " is in read-only mode");
        }
        if (requestedId >= 0 && mode != Mode.IMPORT) {
            throw Errors.operationNotPermitted("Subject " + subject + " is not in import mode");
        }
        if (requestedId < 0 && mode != Mode.READWRITE) {
            throw Errors.operationNotPermitted("Subject " + subject + " is not in read-write mode");
        }
        CompatibilityLevel level = config.inScope(subject);
        return transactions.write(() -> registerLocked(subject, schema, requestedId, requestedVersion, mode, level));
    }

    private int registerLocked(String subject, ParsedSchema schema, int requestedId, int requestedVersion, Mode mode,
                               CompatibilityLevel level) {
        store.lockSubject(subject);
        List<StoredVersion> versions = store.versions(subject);
        Optional<Integer> existingId = store.findSchemaId(schema.fingerprint());
        if (existingId.isPresent() && requestedId >= 0 && requestedId != existingId.get()) {
            // Confluent would register the same content a second time under the new id; ids here are unique per
            // content, so the import is refused instead
            throw Errors.operationNotPermitted("Schema is already registered with id " + existingId.get()
                    + "; it cannot be imported as id " + requestedId);
        }
        Optional<StoredVersion> liveWithSameSchema = existingId.flatMap(id -> versions.stream()
                .filter(v -> v.schemaId() == id && !v.deleted()).findFirst());
        if (liveWithSameSchema.isPresent()) {
            // a concurrent registration of the same schema got here first
            return liveWithSameSchema.get().schemaId();
        }

        if (mode != Mode.IMPORT) {
            List<StoredVersion> live = versions.stream().filter(v -> !v.deleted()).toList();
            List<String> problems = compatibility.check(level, schema, live);
            if (!problems.isEmpty()) {
                throw Errors.incompatibleSchema("Schema being registered is incompatible with an earlier schema for"
                        + " subject \"" + subject + "\", details: " + problems);
            }
        }

        int nextVersion = versions.stream().mapToInt(StoredVersion::version).max().orElse(0) + 1;
        int version;
        if (requestedVersion <= 0) {
            version = nextVersion;
        } else if (requestedVersion != nextVersion && mode != Mode.IMPORT) {
            throw Errors.invalidSchema("Version is not one more than previous version");
        } else {
            version = requestedVersion;
        }
        if (versions.stream().anyMatch(v -> v.version() == version)) {
            throw Errors.operationNotPermitted("Overwrite of version " + version + " of subject " + subject
                    + " is not permitted.");
        }

        int id = existingId.orElseGet(() -> insertContent(schema, requestedId));
        // as Confluent does: a soft-deleted version of the same schema gives way to the new one
        store.deleteSoftDeletedVersionsOf(subject, id);
        store.insertVersion(subject, version, id);
        return id;
    }

    private int insertContent(ParsedSchema schema, int requestedId) {
        if (requestedId >= 0) {
            if (store.fingerprintOf(requestedId).isPresent()) {
                throw Errors.operationNotPermitted("Overwrite new schema with id " + requestedId + " is not permitted.");
            }
            try {
                store.insertSchemaWithId(requestedId, schema.fingerprint(), ParsedSchema.AVRO, schema.canonical());
            } catch (DuplicateKeyException e) {
                throw Errors.operationNotPermitted("Overwrite new schema with id " + requestedId + " is not permitted.");
            }
            store.insertReferences(requestedId, schema.references());
            return requestedId;
        }
        try {
            int id = store.insertSchema(schema.fingerprint(), ParsedSchema.AVRO, schema.canonical());
            store.insertReferences(id, schema.references());
            return id;
        } catch (DuplicateKeyException concurrentlyInserted) {
            // the same schema was registered concurrently (another subject, or another instance) and committed
            // first: its id is this schema's id
            return store.findSchemaId(schema.fingerprint()).orElseThrow(() -> concurrentlyInserted);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // deleting

    /**
     * Deletes a version: soft by default, permanently ({@code permanent=true}) only once soft-deleted. Returns the
     * version number.
     */
    public int deleteVersion(String subject, String version, boolean permanent) {
        VersionId versionId = VersionId.parse(version);
        Optional<StoredVersion> target = versionId.latest() ? store.latestLiveVersion(subject)
                : store.version(subject, versionId.value());
        if (target.isPresent() && target.get().deleted() && !permanent) {
            throw Errors.versionSoftDeleted(subject, version);
        }
        if (target.isEmpty()) {
            throw store.hasVersions(subject, true) ? Errors.versionNotFound(versionId.value())
                    : Errors.subjectNotFound(subject);
        }
        refuseIfReadOnly(subject);
        int number = target.get().version();
        return transactions.write(() -> {
            store.lockSubject(subject);
            StoredVersion current = store.version(subject, number).orElseThrow(() -> Errors.versionNotFound(number));
            if (!store.schemasReferencing(subject, number).isEmpty()) {
                throw Errors.referenceExists(subject, number);
            }
            if (permanent && !current.deleted()) {
                throw Errors.versionNotSoftDeleted(subject, String.valueOf(number));
            }
            if (permanent) {
                store.deleteVersion(subject, number);
            } else {
                store.softDeleteVersion(subject, number);
                if (!store.hasVersions(subject, false)) {
                    forgetSettings(subject);
                }
            }
            return number;
        });
    }

    /**
     * Deletes a subject: soft by default (its versions, compatibility level and mode), permanently only once
     * soft-deleted. Returns the versions deleted.
     */
    public List<Integer> deleteSubject(String subject, boolean permanent) {
        if (!store.hasVersions(subject, true)) {
            throw Errors.subjectNotFound(subject);
        }
        if (!permanent && !store.hasVersions(subject, false)) {
            throw Errors.subjectSoftDeleted(subject);
        }
        refuseIfReadOnly(subject);
        return transactions.write(() -> {
            store.lockSubject(subject);
            List<Integer> deleted = new ArrayList<>();
            for (StoredVersion v : store.versions(subject)) {
                if (!permanent && v.deleted()) {
                    continue;
                }
                if (!store.schemasReferencing(subject, v.version()).isEmpty()) {
                    throw Errors.referenceExists(subject, v.version());
                }
                if (permanent && !v.deleted()) {
                    throw Errors.subjectNotSoftDeleted(subject);
                }
                deleted.add(v.version());
            }
            if (permanent) {
                deleted.forEach(version -> store.deleteVersion(subject, version));
            } else {
                store.softDeleteSubject(subject);
                forgetSettings(subject);
            }
            return deleted;
        });
    }

    /** A subject without live versions loses its own compatibility level and mode, as in Confluent. */
    private void forgetSettings(String subject) {
        store.deleteCompatibilityLevel(subject);
        store.deleteMode(subject);
    }

    private void refuseIfReadOnly(String subject) {
        if (modes.inScope(subject).readOnly()) {
            throw Errors.operationNotPermitted("Subject " + subject + " is in read-only mode");
        }
    }

    private static void requireAvro(String schemaType) {
        if (schemaType != null && !ParsedSchema.AVRO.equals(schemaType)) {
            throw Errors.invalidSchema("Invalid schema type " + schemaType + "; this registry supports AVRO only");
        }
    }
}
