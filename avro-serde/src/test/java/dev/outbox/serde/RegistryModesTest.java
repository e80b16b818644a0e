package dev.outbox.serde;

import static dev.outbox.serde.AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG;
import static dev.outbox.serde.AvroSerdeConfig.AVRO_READER_SCHEMA_CONFIG;
import static dev.outbox.serde.AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG;
import static dev.outbox.serde.AvroSerdeConfig.USE_LATEST_VERSION_CONFIG;
import static dev.outbox.serde.TestData.idOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outbox.events.common.DeliveryAddress;
import dev.outbox.events.order.OrderPlaced;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RegistryModesTest {

    @RegisterExtension
    final FakeSchemaRegistry registry = FakeSchemaRegistry.start();

    @Test
    void withoutAutoRegisterTheSchemaIsLookedUpNotRegistered() {
        int id = registry.registerDirectly("orders-value", OrderPlaced.getClassSchema());
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer();
             KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
            serializer.configure(registry.config(AUTO_REGISTER_SCHEMAS_CONFIG, "false"), false);
            deserializer.configure(registry.config(SPECIFIC_AVRO_READER_CONFIG, true), false);
            OrderPlaced order = TestData.orderPlaced(1);

            byte[] bytes = serializer.serialize("orders", order);

            assertThat(idOf(bytes)).isEqualTo(id);
            assertThat(registry.requestCount("lookup")).isEqualTo(1);
            assertThat(registry.requestCount("register")).isZero();
            assertThat(deserializer.deserialize("orders", bytes)).isEqualTo(order);
        }
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaIsATypedErrorAndNothingIsRegistered() {
        registry.registerDirectly("payments-value", TestData.PAYMENT_V2);
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer()) {
            serializer.configure(registry.config(AUTO_REGISTER_SCHEMAS_CONFIG, false), false);

            // unknown subject: 40401
            assertThatThrownBy(() -> serializer.serialize("orders", TestData.orderPlaced(1)))
                    .isInstanceOfSatisfying(SchemaNotRegisteredException.class, e -> {
                        assertThat(e.getSubject()).isEqualTo("orders-value");
                        assertThat(e.getCause()).isInstanceOfSatisfying(SchemaRegistryException.class,
                                c -> assertThat(c.getErrorCode()).isEqualTo(40401));
                    })
                    .hasMessageContaining("dev.outbox.events.order.OrderPlaced is not registered under subject "
                            + "'orders-value' and auto.register.schemas=false");
            // known subject, schema not among its versions: 40403
            assertThatThrownBy(() -> serializer.serialize("payments", TestData.payment(TestData.PAYMENT_V1, "p", 1)))
                    .isInstanceOfSatisfying(SchemaNotRegisteredException.class, e -> {
                        assertThat(e.getSubject()).isEqualTo("payments-value");
                        assertThat(((SchemaRegistryException) e.getCause()).getErrorCode()).isEqualTo(40403);
                    });
            assertThat(registry.requestCount("register")).isZero();
            assertThat(registry.subjects()).containsExactly("payments-value");
            assertThat(registry.versions("payments-value")).hasSize(1);
        }
    }

    @Test
    void useLatestVersionWritesWithTheLatestSchemaConvertingOlderRecords() {
        registry.registerDirectly("payments-value", TestData.PAYMENT_V1);
        int v2 = registry.registerDirectly("payments-value", TestData.PAYMENT_V2);
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer();
             KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
            serializer.configure(registry.config(USE_LATEST_VERSION_CONFIG, true, AUTO_REGISTER_SCHEMAS_CONFIG, false), false);
            deserializer.configure(registry.config(), false);

            byte[] bytes = serializer.serialize("payments", TestData.payment(TestData.PAYMENT_V1, "p-1", 9.5));

            assertThat(idOf(bytes)).isEqualTo(v2);
            GenericRecord read = (GenericRecord) deserializer.deserialize("payments", bytes);
            assertThat(read.getSchema()).isEqualTo(TestData.PAYMENT_V2);
            assertThat(read.get("id")).hasToString("p-1");
            assertThat(read.get("amount")).isEqualTo(9.5);
            assertThat(read.get("currency")).hasToString("EUR");
            assertThat(registry.requestCount("latest")).isEqualTo(1);
            assertThat(registry.requestCount("register") + registry.requestCount("lookup")).isZero();
        }
    }

    @Test
    void useLatestVersionWritesARecordThatDiffersOnlyInDocsAndPropertiesAsIs() {
        int latest = registry.registerDirectly("payments-value", TestData.PAYMENT_V1_COSMETIC);
        GenericRecord payment = TestData.payment(TestData.PAYMENT_V1, "p-2", 3.0);
        try (KafkaAvroSerializer withLatest = new KafkaAvroSerializer();
             KafkaAvroSerializer plain = new KafkaAvroSerializer()) {
            withLatest.configure(registry.config(USE_LATEST_VERSION_CONFIG, "true", AUTO_REGISTER_SCHEMAS_CONFIG, "false"), false);
            plain.configure(registry.config(), false);

            byte[] bytes = withLatest.serialize("payments", payment);
            byte[] reference = plain.serialize("other", payment);

            assertThat(idOf(bytes)).isEqualTo(latest);
            assertThat(Arrays.copyOfRange(bytes, 5, bytes.length))
                    .isEqualTo(Arrays.copyOfRange(reference, 5, reference.length));
        }
    }

    @Test
    void useLatestVersionRefusesRecordsTheLatestSchemaCannotRead() {
        Schema needsMore = new Schema.Parser().parse("""
                {"type":"record","name":"Payment","namespace":"dev.outbox.test","fields":[
                  {"name":"id","type":"string"},{"name":"amount","type":"double"},{"name":"payer","type":"string"}]}""");
        registry.registerDirectly("payments-value", needsMore);
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer()) {
            serializer.configure(registry.config(USE_LATEST_VERSION_CONFIG, true), false);

            assertThatThrownBy(() -> serializer.serialize("payments", TestData.payment(TestData.PAYMENT_V1, "p", 1)))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("cannot be written as the latest version of subject 'payments-value'")
                    .hasMessageContaining("payer");
        }
    }

    @Test
    void useLatestVersionWithoutAnyVersionIsATypedError() {
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer()) {
            serializer.configure(registry.config(USE_LATEST_VERSION_CONFIG, true), false);

            assertThatThrownBy(() -> serializer.serialize("payments", TestData.payment(TestData.PAYMENT_V1, "p", 1)))
                    .isInstanceOfSatisfying(SchemaNotRegisteredException.class,
                            e -> assertThat(e.getSubject()).isEqualTo("payments-value"))
                    .hasMessageContaining("use.latest.version=true");
        }
    }

    @Test
    void dataWrittenWithTheReleasedV1SchemaIsReadByTheV2GeneratedClass() {
        Schema v1 = TestData.released("dev.outbox.events.order.OrderPlaced", 1);
        Schema v1Address = v1.getField("deliveryAddress").schema();
        assertThat(v1Address.getField("instructions")).as("v1 has no instructions field").isNull();
        assertThat(DeliveryAddress.getClassSchema().getField("instructions")).as("v2 adds it").isNotNull();
        Schema v1Line = v1.getField("lines").schema().getElementType();

        UUID eventId = UUID.randomUUID();
        UUID orderId = UUID.randomUUID();
        GenericRecord line = new GenericData.Record(v1Line);
        line.put("sku", "SKU-9");
        line.put("quantity", 3);
        GenericRecord address = new GenericData.Record(v1Address);
        address.put("recipient", "Lee");
        address.put("street", "Main st 1");
        address.put("city", "Busan");
        address.put("postalCode", "48000");
        address.put("country", "KR");
        GenericRecord written = new GenericData.Record(v1);
        written.put("eventId", eventId.toString());
        written.put("orderId", orderId.toString());
        written.put("sequence", 1L);
        written.put("occurredAt", 1_700_000_000_000L);
        written.put("customerId", "c-1");
        written.put("lines", List.of(line));
        written.put("deliveryAddress", address);

        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer();
             KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
            serializer.configure(registry.config(), false);
            deserializer.configure(registry.config(SPECIFIC_AVRO_READER_CONFIG, true), false);

            byte[] bytes = serializer.serialize("orders", written);
            Object read = deserializer.deserialize("orders", bytes);

            assertThat(read).isInstanceOf(OrderPlaced.class);
            OrderPlaced order = (OrderPlaced) read;
            assertThat(order.getEventId()).isEqualTo(eventId);
            assertThat(order.getOrderId()).isEqualTo(orderId);
            assertThat(order.getOccurredAt()).isEqualTo(java.time.Instant.ofEpochMilli(1_700_000_000_000L));
            assertThat(order.getLines().get(0).getSku()).isEqualTo("SKU-9");
            assertThat(order.getDeliveryAddress().getCity()).isEqualTo("Busan");
            assertThat(order.getDeliveryAddress().getInstructions()).isNull();
        }
    }

    @Test
    void genericReadsResolveToAConfiguredReaderSchema() {
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer();
             KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
            serializer.configure(registry.config(), false);
            deserializer.configure(registry.config(AVRO_READER_SCHEMA_CONFIG, TestData.PAYMENT_V2.toString()), false);

            GenericRecord read = (GenericRecord) deserializer.deserialize("payments",
                    serializer.serialize("payments", TestData.payment(TestData.PAYMENT_V1, "p-3", 1.25)));

            assertThat(read.getSchema()).isEqualTo(TestData.PAYMENT_V2);
            assertThat(read.get("currency")).hasToString("EUR");
            assertThat(read.get("amount")).isEqualTo(1.25);
        }
    }

    @Test
    void anIncompatibleReaderSchemaIsExplained() {
        Schema reader = new Schema.Parser().parse("""
                {"type":"record","name":"Payment","namespace":"dev.outbox.test","fields":[
                  {"name":"id","type":"string"},{"name":"payer","type":"string"}]}""");
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer();
             KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
            serializer.configure(registry.config(), false);
            deserializer.configure(registry.config(AVRO_READER_SCHEMA_CONFIG, reader.toString()), false);
            byte[] bytes = serializer.serialize("payments", TestData.payment(TestData.PAYMENT_V1, "p", 1));

            assertThatThrownBy(() -> deserializer.deserialize("payments", bytes))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("writer schema id " + idOf(bytes))
                    .hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE")
                    .hasMessageContaining("payer");
        }
    }
}
