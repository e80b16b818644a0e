package dev.outbox.registry.config;

import dev.outbox.registry.http.Errors;
import dev.outbox.registry.mode.ModeService;
import dev.outbox.registry.storage.RegistryStore;
import dev.outbox.registry.storage.Transactions;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/** The global compatibility level and per-subject overrides. */
@Service
public class ConfigService {

    private final RegistryStore store;
    private final Transactions transactions;
    private final ModeService modes;
    private final CompatibilityLevel defaultLevel;

    public ConfigService(RegistryStore store, Transactions transactions, ModeService modes,
                         @Value("${registry.default-compatibility:BACKWARD}") String defaultLevel) {
        this.store = store;
        this.transactions = transactions;
        this.modes = modes;
        this.defaultLevel = Optional.ofNullable(CompatibilityLevel.forName(defaultLevel)).orElseThrow(
                () -> new IllegalArgumentException("registry.default-compatibility: unknown level " + defaultLevel));
    }

    /** The level that applies to a subject: its own, else the global one. */
    public CompatibilityLevel inScope(String subject) {
        return ofSubject(subject).orElseGet(this::global);
    }

    public CompatibilityLevel global() {
        return store.compatibilityLevel(RegistryStore.GLOBAL).map(CompatibilityLevel::valueOf).orElse(defaultLevel);
    }

    public Optional<CompatibilityLevel> ofSubject(String subject) {
        return store.compatibilityLevel(subject).map(CompatibilityLevel::valueOf);
    }

    /** Sets a subject's level, or the global one for {@code null}; refused in read-only mode, as in Confluent. */
    public void set(String subject, CompatibilityLevel level) {
        refuseIfReadOnly(subject);
        transactions.write(() -> {
            store.setCompatibilityLevel(subject == null ? RegistryStore.GLOBAL : subject, level.name());
            return null;
        });
    }

    /** Removes a subject's own level (40401 if it has none); returns it. */
    public CompatibilityLevel deleteSubjectLevel(String subject) {
        CompatibilityLevel current = ofSubject(subject).orElseThrow(() -> Errors.subjectNotFound(subject));
        refuseIfReadOnly(subject);
        transactions.write(() -> {
            store.deleteCompatibilityLevel(subject);
            return null;
        });
        return current;
    }

    /** Resets the global level to the default; returns the level that was in force. */
    public CompatibilityLevel deleteGlobalLevel() {
        CompatibilityLevel current = global();
        refuseIfReadOnly(null);
        transactions.write(() -> {
            store.deleteCompatibilityLevel(RegistryStore.GLOBAL);
            return null;
        });
        return current;
    }

    private void refuseIfReadOnly(String subject) {
        if ((subject == null ? modes.global() : modes.inScope(subject)).readOnly()) {
            throw Errors.operationNotPermitted("Subject " + subject + " is in read-only mode");
        }
    }
}
