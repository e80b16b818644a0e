package dev.outbox.serde;

import static dev.outbox.serde.AvroSerdeConfig.AVRO_USE_LOGICAL_TYPE_CONVERTERS_CONFIG;
import static dev.outbox.serde.AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG;
import static dev.outbox.serde.TestData.idOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.outbox.events.common.OrderLine;
import dev.outbox.events.order.OrderPlaced;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

class RoundTripTest {

    @RegisterExtension
    final FakeSchemaRegistry registry = FakeSchemaRegistry.start();

    @Test
    void specificRecordRoundTripsWithUuidAndInstantFields() {
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer();
             KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
            serializer.configure(registry.config(), false);
            deserializer.configure(registry.config(SPECIFIC_AVRO_READER_CONFIG, "true"), false);
            OrderPlaced order = TestData.orderPlaced(1);

            byte[] bytes = serializer.serialize("orders", order);

            assertThat(bytes[0]).isEqualTo((byte) 0);
            assertThat(registry.subjects()).containsExactly("orders-value");
            assertThat(registry.versions("orders-value")).containsExactly(idOf(bytes));
            Object read = deserializer.deserialize("orders", bytes);
            assertThat(read).isInstanceOf(OrderPlaced.class).isEqualTo(order);
            OrderPlaced back = (OrderPlaced) read;
            assertThat(back.getEventId()).isEqualTo(order.getEventId());
            assertThat(back.getOccurredAt()).isEqualTo(Instant.ofEpochMilli(1_767_225_600_124L));
            assertThat(back.getLines()).extracting(OrderLine::getSku).containsExactly("SKU-1", "SKU-2");
            assertThat(back.getDeliveryAddress().getInstructions()).isEqualTo("Leave at the door");
        }
    }

    @Test
    void specificDataReadGenericallyKeepsRawLogicalTypesUnlessConvertersAreOn() {
        OrderPlaced order = TestData.orderPlaced(7);
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer();
             KafkaAvroDeserializer raw = new KafkaAvroDeserializer();
             KafkaAvroDeserializer converted = new KafkaAvroDeserializer()) {
            serializer.configure(registry.config(), false);
            raw.configure(registry.config(), false);
            converted.configure(registry.config(AVRO_USE_LOGICAL_TYPE_CONVERTERS_CONFIG, true), false);
            byte[] bytes = serializer.serialize("orders", order);

            GenericRecord plain = (GenericRecord) raw.deserialize("orders", bytes);
            assertThat(plain).isNotInstanceOf(OrderPlaced.class);
            assertThat(plain.get("eventId")).isInstanceOf(Utf8.class).hasToString(order.getEventId().toString());
            assertThat(plain.get("occurredAt")).isEqualTo(order.getOccurredAt().toEpochMilli());

            GenericRecord withConversions = (GenericRecord) converted.deserialize("orders", bytes);
            assertThat(withConversions.get("eventId")).isEqualTo(order.getEventId());
            assertThat(withConversions.get("occurredAt")).isEqualTo(order.getOccurredAt());
        }
    }

    @Test
    void genericRecordRoundTrips() {
        try (GenericAvroSerde serde = new GenericAvroSerde()) {
            serde.configure(registry.config(), false);
            GenericRecord payment = TestData.payment(TestData.PAYMENT_V1, "p-1", 12.5);

            byte[] bytes = serde.serializer().serialize("payments", payment);
            GenericRecord back = serde.deserializer().deserialize("payments", bytes);

            assertThat(back).isEqualTo(payment);
            assertThat(back.getSchema()).isEqualTo(TestData.PAYMENT_V1);
            assertThat(back.get("id")).hasToString("p-1");
            assertThat(registry.subjects()).containsExactly("payments-value");
        }
    }

    @Test
    void genericRecordsMayHoldConvertedLogicalTypeValues() {
        Schema schema = new Schema.Parser().parse("""
                {"type":"record","name":"Stamp","namespace":"dev.outbox.test","fields":[
                  {"name":"id","type":{"type":"string","logicalType":"uuid"}},
                  {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}}]}""");
        UUID id = UUID.randomUUID();
        Instant at = Instant.parse("2026-01-02T03:04:05.678Z");
        GenericRecord stamp = new GenericData.Record(schema);
        stamp.put("id", id);
        stamp.put("at", at);
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer();
             KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
            serializer.configure(registry.config(), false);
            deserializer.configure(registry.config(AVRO_USE_LOGICAL_TYPE_CONVERTERS_CONFIG, "true"), false);

            GenericRecord back = (GenericRecord) deserializer.deserialize("stamps",
                    serializer.serialize("stamps", stamp));

            assertThat(back.get("id")).isEqualTo(id);
            assertThat(back.get("at")).isEqualTo(at);
        }
    }

    @Test
    void keysAndValuesUseTheirOwnSubjects() {
        try (SpecificAvroSerde<OrderPlaced> keySerde = new SpecificAvroSerde<>();
             SpecificAvroSerde<OrderPlaced> valueSerde = new SpecificAvroSerde<>()) {
            keySerde.configure(registry.config(), true);
            valueSerde.configure(registry.config(), false);
            OrderPlaced key = TestData.orderPlaced(1);
            OrderPlaced value = TestData.orderPlaced(2);

            byte[] keyBytes = keySerde.serializer().serialize("orders", key);
            byte[] valueBytes = valueSerde.serializer().serialize("orders", value);

            assertThat(registry.subjects()).containsExactly("orders-key", "orders-value");
            assertThat(keySerde.deserializer().deserialize("orders", keyBytes)).isEqualTo(key);
            assertThat(valueSerde.deserializer().deserialize("orders", valueBytes)).isEqualTo(value);
        }
    }

    @Test
    void primitiveKeysAndValuesRoundTripLikeConfluent() {
        try (KafkaAvroSerializer keys = new KafkaAvroSerializer();
             KafkaAvroDeserializer keyReader = new KafkaAvroDeserializer();
             KafkaAvroSerializer values = new KafkaAvroSerializer();
             KafkaAvroDeserializer valueReader = new KafkaAvroDeserializer()) {
            keys.configure(registry.config(), true);
            keyReader.configure(registry.config(SPECIFIC_AVRO_READER_CONFIG, true), true);
            values.configure(registry.config(), false);
            valueReader.configure(registry.config(), false);

            assertThat(keyReader.deserialize("t", keys.serialize("t", "order-42"))).isEqualTo("order-42");
            assertThat(valueReader.deserialize("t", values.serialize("t", 42L))).isEqualTo(42L);
            assertThat(valueReader.deserialize("t", values.serialize("t", 7))).isEqualTo(7);
            assertThat(valueReader.deserialize("t", values.serialize("t", true))).isEqualTo(true);
            assertThat(valueReader.deserialize("t", values.serialize("t", 2.5d))).isEqualTo(2.5d);
            assertThat(valueReader.deserialize("t", values.serialize("t", new byte[] {1, 2, 3})))
                    .isEqualTo(new byte[] {1, 2, 3});
            assertThat(valueReader.deserialize("t", values.serialize("t", ByteBuffer.wrap(new byte[] {4}))))
                    .isEqualTo(new byte[] {4});
            assertThat(registry.subjects()).containsExactly("t-key", "t-value");
            assertThat(registry.versions("t-key")).hasSize(1);
        }
    }

    @Test
    void nullIsATombstoneBothWaysWithoutAskingTheRegistry() {
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer();
             KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
            serializer.configure(registry.config(), false);
            deserializer.configure(registry.config(SPECIFIC_AVRO_READER_CONFIG, true), false);

            assertThat(serializer.serialize("orders", null)).isNull();
            assertThat(deserializer.deserialize("orders", null)).isNull();
            assertThat(registry.requestCount()).isZero();
        }
    }

    @Test
    void aSerializedRecordDecodesWithPlainAvroAndTheSchemaFetchedFromTheRegistry() throws Exception {
        OrderPlaced order = TestData.orderPlaced(3);
        byte[] bytes;
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer()) {
            serializer.configure(registry.config(), false);
            bytes = serializer.serialize("orders", order);
        }
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();

        // what any Confluent-compatible consumer does: fetch the writer schema by id, skip 5 bytes, decode
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(registry.url() + "/schemas/ids/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        Schema writer = new Schema.Parser().parse(JsonMapper.shared().readTree(response.body()).get("schema").stringValue());
        GenericRecord decoded = new GenericDatumReader<GenericRecord>(writer)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));

        assertThat(decoded.get("eventId")).hasToString(order.getEventId().toString());
        assertThat(decoded.get("orderId")).hasToString(order.getOrderId().toString());
        assertThat(decoded.get("sequence")).isEqualTo(3L);
        assertThat(decoded.get("occurredAt")).isEqualTo(order.getOccurredAt().toEpochMilli());
        assertThat(decoded.get("customerId")).hasToString("customer-3");
        @SuppressWarnings("unchecked")
        List<GenericRecord> lines = (List<GenericRecord>) decoded.get("lines");
        assertThat(lines).extracting(l -> l.get("sku").toString(), l -> l.get("quantity"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("SKU-1", 2),
                        org.assertj.core.groups.Tuple.tuple("SKU-2", 1));
        GenericRecord address = (GenericRecord) decoded.get("deliveryAddress");
        assertThat(address.get("city")).hasToString("Seoul");
        assertThat(address.get("instructions")).hasToString("Leave at the door");
    }
}
