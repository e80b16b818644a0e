package dev.outbox.delivery.projection;

import dev.outbox.delivery.deadletter.OriginalRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * An order event held back in the {@code pending-order-events} store because an earlier event of the same order has
 * not arrived yet.
 *
 * <p>The record is kept as it was consumed (the Avro bytes still refer to the registry's schema id): it is decoded
 * again when applied, and if it can never be applied it goes to the dead-letter topic exactly as it came in.
 *
 * @param original   the consumed record
 * @param sequence   the event's sequence in its order
 * @param bufferedAt wall-clock time it was buffered; the gap timeout counts from here
 */
public record PendingOrderEvent(OriginalRecord original, long sequence, long bufferedAt) {

    /** Store key: order id, then the zero-padded sequence, so a prefix scan of an order yields its events in order. */
    public static String key(String orderId, long sequence) {
        return orderId + "/" + String.format("%019d", sequence);
    }

    public static String prefix(String orderId) {
        return orderId + "/";
    }

    public static String orderIdOf(String key) {
        return key.substring(0, key.lastIndexOf('/'));
    }

    /**
     * Serde of the store's values: a small versioned binary layout. These values never leave the app (the store and
     * its changelog only), so they need no registry schema.
     */
    public static final class StoreSerde implements Serde<PendingOrderEvent>, Serializer<PendingOrderEvent>,
            Deserializer<PendingOrderEvent> {

        private static final byte VERSION = 1;

        @Override
        public byte[] serialize(String topic, PendingOrderEvent event) {
            if (event == null) {
                return null;
            }
            OriginalRecord r = event.original();
            try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
                 DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(VERSION);
                out.writeLong(event.sequence());
                out.writeLong(event.bufferedAt());
                writeString(out, r.topic());
                out.writeInt(r.partition());
                out.writeLong(r.offset());
                out.writeLong(r.timestamp());
                writeBytes(out, r.key());
                writeBytes(out, r.value());
                Header[] headers = r.headers().toArray();
                out.writeInt(headers.length);
                for (Header header : headers) {
                    writeString(out, header.key());
                    writeBytes(out, header.value());
                }
                out.flush();
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public PendingOrderEvent deserialize(String topic, byte[] data) {
            if (data == null) {
                return null;
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                byte version = in.readByte();
                if (version != VERSION) {
                    throw new SerializationException("unknown pending-order-event layout version " + version);
                }
                long sequence = in.readLong();
                long bufferedAt = in.readLong();
                String sourceTopic = readString(in);
                int partition = in.readInt();
                long offset = in.readLong();
                long timestamp = in.readLong();
                byte[] key = readBytes(in);
                byte[] value = readBytes(in);
                int count = in.readInt();
                RecordHeaders headers = new RecordHeaders();
                for (int i = 0; i < count; i++) {
                    headers.add(new RecordHeader(readString(in), readBytes(in)));
                }
                return new PendingOrderEvent(
                        new OriginalRecord(key, value, headers, sourceTopic, partition, offset, timestamp),
                        sequence, bufferedAt);
            } catch (IOException e) {
                throw new SerializationException("corrupt pending-order-event", e);
            }
        }

        private static void writeString(DataOutputStream out, String s) throws IOException {
            out.writeBoolean(s != null);
            if (s != null) {
                out.writeUTF(s);
            }
        }

        private static String readString(DataInputStream in) throws IOException {
            return in.readBoolean() ? in.readUTF() : null;
        }

        private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
            out.writeInt(b == null ? -1 : b.length);
            if (b != null) {
                out.write(b);
            }
        }

        private static byte[] readBytes(DataInputStream in) throws IOException {
            int length = in.readInt();
            if (length < 0) {
                return null;
            }
            byte[] b = new byte[length];
            in.readFully(b);
            return b;
        }

        @Override
        public Serializer<PendingOrderEvent> serializer() {
            return this;
        }

        @Override
        public Deserializer<PendingOrderEvent> deserializer() {
            return this;
        }

        @Override
        public void configure(Map<String, ?> configs, boolean isKey) {
        }

        @Override
        public void close() {
        }
    }
}
