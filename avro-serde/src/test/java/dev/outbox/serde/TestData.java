package dev.outbox.serde;

import dev.outbox.events.common.DeliveryAddress;
import dev.outbox.events.common.OrderLine;
import dev.outbox.events.order.OrderPlaced;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

final class TestData {

    /** A generic record type, version 1. */
    static final Schema PAYMENT_V1 = new Schema.Parser().parse("""
            {"type":"record","name":"Payment","namespace":"dev.outbox.test","fields":[
              {"name":"id","type":"string"},
              {"name":"amount","type":"double"}
            ]}""");

    /** Version 2: adds a field with a default (backward compatible). */
    static final Schema PAYMENT_V2 = new Schema.Parser().parse("""
            {"type":"record","name":"Payment","namespace":"dev.outbox.test","fields":[
              {"name":"id","type":"string"},
              {"name":"amount","type":"double"},
              {"name":"currency","type":"string","default":"EUR"}
            ]}""");

    /** Same binary form as version 1; differs only in docs and a property. */
    static final Schema PAYMENT_V1_COSMETIC = new Schema.Parser().parse("""
            {"type":"record","name":"Payment","namespace":"dev.outbox.test","doc":"A payment.","fields":[
              {"name":"id","type":{"type":"string","avro.java.string":"String"},"doc":"Payment id."},
              {"name":"amount","type":"double","doc":"Amount."}
            ]}""");

    private TestData() {
    }

    static OrderPlaced orderPlaced(long sequence) {
        return OrderPlaced.newBuilder()
                .setEventId(UUID.randomUUID())
                .setOrderId(UUID.randomUUID())
                .setSequence(sequence)
                .setOccurredAt(Instant.ofEpochMilli(1_767_225_600_123L + sequence))
                .setCustomerId("customer-" + sequence)
                .setLines(List.of(
                        OrderLine.newBuilder().setSku("SKU-1").setQuantity(2).build(),
                        OrderLine.newBuilder().setSku("SKU-2").setQuantity(1).build()))
                .setDeliveryAddress(DeliveryAddress.newBuilder()
                        .setRecipient("Kim Minsu")
                        .setStreet("Teheran-ro 123")
                        .setCity("Seoul")
                        .setPostalCode("06236")
                        .setCountry("KR")
                        .setInstructions("Leave at the door")
                        .build())
                .build();
    }

    static GenericRecord payment(Schema schema, String id, double amount) {
        GenericData.Record record = new GenericData.Record(schema);
        record.put("id", id);
        record.put("amount", amount);
        return record;
    }

    /** The released v1 schema of a record, from the schemas jar. */
    static Schema released(String fullName, int version) {
        String path = "/released/" + fullName + "/v" + version + ".avsc";
        try (InputStream in = TestData.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("not on the classpath: " + path);
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> config(Object... keysAndValues) {
        Map<String, Object> config = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            config.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return config;
    }

    /** A port nothing listens on (bound, then released). */
    static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema id in a payload's header. */
    static int idOf(byte[] payload) {
        return java.nio.ByteBuffer.wrap(payload, 1, 4).getInt();
    }
}
