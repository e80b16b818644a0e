package dev.outbox.delivery.projection;

import dev.outbox.events.delivery.DeliveryCommand;
import dev.outbox.events.delivery.DeliveryCommandResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The commands a task has decided, by command id, with what each asked for and the result it got, in the
 * {@code delivery-command-decisions} window store (so ids expire after the retention).
 *
 * <p>This is what makes a command idempotent: the HTTP side derives the command id from the client's Idempotency-Key
 * and the order id, so a retry (after a 504, say) carries the same id, and the processor answers it with the first
 * result instead of deciding it again. The store is written in the same exactly-once transaction as the decision and
 * is changelogged, so this holds across restarts, rebalances and instances.
 *
 * <p>Values are stored as bytes, serialised while the decision is prepared, so that storing them cannot fail after
 * the decision's other writes: a version byte, the request's fingerprint, then the result in the registry's wire
 * format.
 */
final class DecidedCommands {

    /** A decided command: the fingerprint of its request, and its result. */
    record Decided(String fingerprint, DeliveryCommandResult result) {
    }

    private static final byte VERSION = 1;

    private final String storeName;
    private final long retentionMs;
    private final Serde<DeliveryCommandResult> results;
    private WindowStore<String, byte[]> store;

    DecidedCommands(String storeName, Duration retention, Serde<DeliveryCommandResult> results) {
        this.storeName = storeName;
        this.retentionMs = retention.toMillis();
        this.results = results;
    }

    void init(ProcessorContext<?, ?> context) {
        this.store = context.getStateStore(storeName);
    }

    /**
     * The command decided under this id within the retention, or null. Up to {@code now} plus the retention, not
     * {@code now}: the decision's time is the wall clock of the instance that decided it, which may be ahead of this
     * one's (the store moves between instances with its task), and a retry here must still find it.
     */
    Decided find(String commandId, long now) {
        try (WindowStoreIterator<byte[]> decided = store.fetch(commandId, Math.max(0, now - retentionMs),
                now + retentionMs)) {
            return decided.hasNext() ? deserialize(decided.next().value) : null;
        }
    }

    /** Gives the store a segment; see {@link WindowStoreAnchor}. */
    void anchor(long now) {
        store.put(WindowStoreAnchor.KEY, new byte[0], now);
    }

    void remember(String commandId, byte[] decided, long now) {
        store.put(commandId, decided, now);
    }

    /**
     * What a command asks for, as a hash: its request's type and fields (its id, times and trace are not part of
     * it). Two commands with the same id and another fingerprint are two requests under one Idempotency-Key.
     */
    static String fingerprint(DeliveryCommand command) {
        Object request = command.getCommand();
        String text = request == null ? "null" : request.getClass().getName() + ":" + request;
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    byte[] serialize(Decided decided) {
        byte[] result = results.serializer().serialize(storeName, decided.result());
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(result.length + 80);
             DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(decided.fingerprint());
            out.writeInt(result.length);
            out.write(result);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Decided deserialize(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new SerializationException("unknown decided-command layout version " + version);
            }
            String fingerprint = in.readUTF();
            byte[] result = new byte[in.readInt()];
            in.readFully(result);
            return new Decided(fingerprint, results.deserializer().deserialize(storeName, result));
        } catch (IOException e) {
            throw new SerializationException("corrupt decided command", e);
        }
    }
}
