package dev.outbox.registry.mode;

import dev.outbox.registry.http.Errors;
import dev.outbox.registry.storage.RegistryStore;
import dev.outbox.registry.storage.Transactions;
import org.springframework.stereotype.Service;

import java.util.Optional;

/** The global mode and per-subject overrides. */
@Service
public class ModeService {

    private final RegistryStore store;
    private final Transactions transactions;

    public ModeService(RegistryStore store, Transactions transactions) {
        this.store = store;
        this.transactions = transactions;
    }

    /** The mode that applies to a subject: its own, else the global one, else READWRITE. */
    public Mode inScope(String subject) {
        return store.mode(subject).or(() -> store.mode(RegistryStore.GLOBAL)).map(Mode::valueOf).orElse(Mode.READWRITE);
    }

    public Mode global() {
        return store.mode(RegistryStore.GLOBAL).map(Mode::valueOf).orElse(Mode.READWRITE);
    }

    public Optional<Mode> ofSubject(String subject) {
        return store.mode(subject).map(Mode::valueOf);
    }

    /**
     * Sets the mode of a subject, or the global one for {@code null}. Switching to IMPORT needs the scope to hold no
     * live schema unless forced, as in Confluent (imported ids must not collide with generated ones).
     */
    public void set(String subject, Mode mode, boolean force) {
        String scope = subject == null ? RegistryStore.GLOBAL : subject;
        transactions.write(() -> {
            Mode current = subject == null ? global() : inScope(subject);
            if (mode == Mode.IMPORT && current != Mode.IMPORT && !force) {
                boolean occupied = subject == null ? store.anyLiveVersion() : store.hasVersions(subject, false);
                if (occupied) {
                    throw Errors.operationNotPermitted("Cannot import since found existing subjects");
                }
            }
            store.setMode(scope, mode.name());
            return null;
        });
    }

    /** Removes a subject's own mode; returns it. */
    public Mode delete(String subject) {
        return transactions.write(() -> {
            Mode current = ofSubject(subject).orElseThrow(() -> Errors.subjectNotFound(subject));
            store.deleteMode(subject);
            return current;
        });
    }
}
