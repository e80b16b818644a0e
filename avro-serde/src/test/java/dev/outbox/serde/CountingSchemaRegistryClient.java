package dev.outbox.serde;

import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.apache.avro.Schema;

/**
 * Counts the calls that reach the wrapped client, per operation, for tests ("no registry call on the hot path"); in
 * the test-jar, so system-tests counts the same way. Put it under the cache to count what actually goes to the registry:
 * {@code new CachedSchemaRegistryClient(new CountingSchemaRegistryClient(http))}. A call is counted when it starts,
 * whether it succeeds or fails. Thread-safe.
 */
public class CountingSchemaRegistryClient implements SchemaRegistryClient {

    private final SchemaRegistryClient delegate;
    private final LongAdder register = new LongAdder();
    private final LongAdder lookup = new LongAdder();
    private final LongAdder byId = new LongAdder();
    private final LongAdder latest = new LongAdder();

    public CountingSchemaRegistryClient(SchemaRegistryClient delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public int register(String subject, Schema schema) {
        register.increment();
        return delegate.register(subject, schema);
    }

    @Override
    public SchemaMetadata lookup(String subject, Schema schema) {
        lookup.increment();
        return delegate.lookup(subject, schema);
    }

    @Override
    public Schema getSchemaById(int id) {
        byId.increment();
        return delegate.getSchemaById(id);
    }

    @Override
    public SchemaMetadata getLatestSchemaMetadata(String subject) {
        latest.increment();
        return delegate.getLatestSchemaMetadata(subject);
    }

    public long registerCalls() {
        return register.sum();
    }

    public long lookupCalls() {
        return lookup.sum();
    }

    public long getSchemaByIdCalls() {
        return byId.sum();
    }

    public long getLatestCalls() {
        return latest.sum();
    }

    /** All calls, every operation. */
    public long totalCalls() {
        return registerCalls() + lookupCalls() + getSchemaByIdCalls() + getLatestCalls();
    }

    public void reset() {
        register.reset();
        lookup.reset();
        byId.reset();
        latest.reset();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return "CountingSchemaRegistryClient[" + delegate + "]";
    }
}
