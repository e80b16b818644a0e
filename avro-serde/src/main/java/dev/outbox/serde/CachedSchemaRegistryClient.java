package dev.outbox.serde;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;

/**
 * Caching decorator: id → schema, (subject, schema) → id, (subject, schema) → looked-up version and subject → latest
 * version. After the first call for a schema the serdes' hot path makes no HTTP call.
 *
 * <p>Schema ids are immutable in a registry, so ids and schemas are cached for the life of the client. The latest
 * version of a subject is cached for {@code latestTtl} (null: forever, as Confluent's default
 * {@code latest.cache.ttl.sec=-1}). Errors are not cached: an unknown id is asked again next time.
 *
 * <p>Thread-safe. The remote call is made outside any lock, so two threads missing the same key at the same time may
 * both ask the registry; both get the same answer, and the first one stored wins.
 */
public class CachedSchemaRegistryClient implements SchemaRegistryClient {

    private record SubjectSchema(String subject, Schema schema) {
    }

    private record Timed(SchemaMetadata metadata, long fetchedAtNanos) {
    }

    private final SchemaRegistryClient delegate;
    private final Long latestTtlNanos;
    private final ConcurrentMap<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final ConcurrentMap<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
    private final ConcurrentMap<SubjectSchema, SchemaMetadata> lookups = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timed> latest = new ConcurrentHashMap<>();

    /** Caches everything for the life of the client. */
    public CachedSchemaRegistryClient(SchemaRegistryClient delegate) {
        this(delegate, null);
    }

    /**
     * @param latestTtl how long a subject's latest version stays cached; null caches it forever
     */
    public CachedSchemaRegistryClient(SchemaRegistryClient delegate, Duration latestTtl) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.latestTtlNanos = latestTtl == null ? null : latestTtl.toNanos();
    }

    /** The client that is called on a cache miss. */
    public SchemaRegistryClient delegate() {
        return delegate;
    }

    /** Returns the client itself when it already caches, otherwise wraps it. */
    public static CachedSchemaRegistryClient of(SchemaRegistryClient client) {
        return client instanceof CachedSchemaRegistryClient cached ? cached : new CachedSchemaRegistryClient(client);
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer id = idsBySubjectSchema.get(key);
        if (id != null) {
            return id;
        }
        int registered = delegate.register(subject, schema);
        schemasById.putIfAbsent(registered, schema);
        Integer previous = idsBySubjectSchema.putIfAbsent(key, registered);
        return previous != null ? previous : registered;
    }

    @Override
    public SchemaMetadata lookup(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        SchemaMetadata cached = lookups.get(key);
        if (cached != null) {
            return cached;
        }
        SchemaMetadata found = delegate.lookup(subject, schema);
        schemasById.putIfAbsent(found.id(), found.schema());
        idsBySubjectSchema.putIfAbsent(key, found.id());
        SchemaMetadata previous = lookups.putIfAbsent(key, found);
        return previous != null ? previous : found;
    }

    @Override
    public Schema getSchemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema != null) {
            return schema;
        }
        Schema fetched = delegate.getSchemaById(id);
        Schema previous = schemasById.putIfAbsent(id, fetched);
        return previous != null ? previous : fetched;
    }

    @Override
    public SchemaMetadata getLatestSchemaMetadata(String subject) {
        Timed cached = latest.get(subject);
        if (cached != null && (latestTtlNanos == null || System.nanoTime() - cached.fetchedAtNanos() < latestTtlNanos)) {
            return cached.metadata();
        }
        SchemaMetadata fetched = delegate.getLatestSchemaMetadata(subject);
        schemasById.putIfAbsent(fetched.id(), fetched.schema());
        latest.put(subject, new Timed(fetched, System.nanoTime()));
        return fetched;
    }

    /** Forgets every cached answer (the delegate is untouched). */
    public void clear() {
        schemasById.clear();
        idsBySubjectSchema.clear();
        lookups.clear();
        latest.clear();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return "CachedSchemaRegistryClient[" + delegate + "]";
    }
}
