package dev.outbox.serde;

import static dev.outbox.serde.AvroSerdeConfig.SCHEMA_REGISTRY_RETRIES_CONFIG;
import static dev.outbox.serde.AvroSerdeConfig.SCHEMA_REGISTRY_RETRY_BACKOFF_MS_CONFIG;
import static dev.outbox.serde.AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG;
import static dev.outbox.serde.AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ErrorHandlingTest {

    private static final HttpSchemaRegistryClient.Settings FAST_RETRIES = new HttpSchemaRegistryClient.Settings(
            2, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(5), Duration.ofSeconds(5));

    @RegisterExtension
    final FakeSchemaRegistry registry = FakeSchemaRegistry.start();

    private KafkaAvroDeserializer deserializer() {
        KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer();
        deserializer.configure(registry.config(), false);
        return deserializer;
    }

    @Test
    void aWrongMagicByteSaysWhatWasFound() {
        byte[] json = "{\"orderId\":\"42\"}".getBytes(StandardCharsets.UTF_8);
        try (KafkaAvroDeserializer deserializer = deserializer()) {
            assertThatThrownBy(() -> deserializer.deserialize("orders", json))
                    .isInstanceOfSatisfying(UnknownMagicByteException.class, e -> {
                        assertThat(e.getMagicByte()).isEqualTo((byte) 0x7b);
                        assertThat(e.getTopic()).isEqualTo("orders");
                    })
                    .isInstanceOf(SerializationException.class)
                    .hasMessageStartingWith("Unknown magic byte 0x7b at offset 0 for topic orders: not Confluent Avro "
                            + "wire format (0x00 + 4-byte schema id + Avro binary)")
                    .hasMessageContaining("7b 22 6f")
                    .hasMessageContaining("{\"orderId\":\"42\"}");
        }
        assertThat(registry.requestCount()).isZero();
    }

    @Test
    void aPayloadShorterThanTheHeaderIsRefused() {
        try (KafkaAvroDeserializer deserializer = deserializer()) {
            assertThatThrownBy(() -> deserializer.deserialize("orders", new byte[] {0, 0, 1}))
                    .isInstanceOfSatisfying(InvalidWireFormatException.class,
                            e -> assertThat(e.getLength()).isEqualTo(3))
                    .isNotInstanceOf(UnknownMagicByteException.class)
                    .hasMessageContaining("Payload of 3 byte(s) for topic orders is too short")
                    .hasMessageContaining("at least 5 bytes");
            assertThatThrownBy(() -> deserializer.deserialize("orders", new byte[0]))
                    .isInstanceOf(InvalidWireFormatException.class)
                    .hasMessageContaining("Payload of 0 byte(s)");
        }
        assertThat(registry.requestCount()).isZero();
    }

    @Test
    void anUnknownSchemaIdIsATypedErrorCarryingTheIdAndIsNotRetried() {
        byte[] payload = {0, 0, 0, 0x27, 0x0f, 2, 4};
        try (KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
            deserializer.configure(registry.config(
                    SCHEMA_REGISTRY_RETRIES_CONFIG, 3, SCHEMA_REGISTRY_RETRY_BACKOFF_MS_CONFIG, 1), false);

            assertThatThrownBy(() -> deserializer.deserialize("orders", payload))
                    .isInstanceOfSatisfying(UnknownSchemaIdException.class, e -> {
                        assertThat(e.getSchemaId()).isEqualTo(9999);
                        assertThat(e.getTopic()).isEqualTo("orders");
                        assertThat(e.getCause()).isInstanceOfSatisfying(SchemaRegistryException.class, c -> {
                            assertThat(c.getStatus()).isEqualTo(404);
                            assertThat(c.getErrorCode()).isEqualTo(40403);
                            assertThat(c.getRegistryMessage()).isEqualTo("Schema 9999 not found");
                        });
                    })
                    .hasMessageContaining("Unknown schema id 9999 in value of topic orders");
        }
        assertThat(registry.requestCount()).isEqualTo(1);
    }

    @Test
    void anUnreachableRegistryGivesTheUnavailableErrorAfterBoundedRetries() {
        String url = "http://127.0.0.1:" + TestData.closedPort();
        HttpSchemaRegistryClient http = new HttpSchemaRegistryClient(List.of(url), FAST_RETRIES);
        try (KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer(http)) {
            assertThatThrownBy(() -> deserializer.deserialize("orders", new byte[] {0, 0, 0, 0, 1, 2}))
                    .isInstanceOf(SerializationException.class)
                    .isNotInstanceOf(UnknownSchemaIdException.class)
                    .hasMessageContaining("schema id 1 could not be fetched")
                    .hasMessageContaining(url)
                    .cause()
                    .isInstanceOfSatisfying(SchemaRegistryUnavailableException.class, e -> {
                        assertThat(e.getAttempts()).isEqualTo(3);
                        assertThat(e.getUrls()).containsExactly(URI.create(url));
                        assertThat(e.getStatus()).isEqualTo(-1);
                        assertThat(e.getCause()).isInstanceOf(java.io.IOException.class);
                    })
                    .hasMessageContaining("after 3 attempt(s)");
        }
        assertThat(http.requestAttempts()).isEqualTo(3);
    }

    @Test
    void theSerializerReportsAnUnreachableRegistryThroughItsConfiguration() {
        String first = "http://127.0.0.1:" + TestData.closedPort();
        String second = "http://127.0.0.1:" + TestData.closedPort() + "/";
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer()) {
            serializer.configure(TestData.config(SCHEMA_REGISTRY_URL_CONFIG, first + "," + second,
                    SCHEMA_REGISTRY_RETRIES_CONFIG, "1", SCHEMA_REGISTRY_RETRY_BACKOFF_MS_CONFIG, "1"), false);

            assertThatThrownBy(() -> serializer.serialize("orders", TestData.orderPlaced(1)))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("subject 'orders-value'")
                    .hasMessageContaining(first)
                    .cause()
                    .isInstanceOfSatisfying(SchemaRegistryUnavailableException.class, e -> {
                        // 2 rounds (1 retry) over 2 URLs
                        assertThat(e.getAttempts()).isEqualTo(4);
                        assertThat(e.getUrls()).hasSize(2);
                    });
        }
    }

    @Test
    void fiveHundredsAreRetriedABoundedNumberOfTimes() {
        registry.failAllWith(503);
        HttpSchemaRegistryClient http = new HttpSchemaRegistryClient(List.of(registry.url()), FAST_RETRIES);
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer(http)) {
            assertThatThrownBy(() -> serializer.serialize("orders", TestData.orderPlaced(1)))
                    .isInstanceOf(SerializationException.class)
                    .cause()
                    .isInstanceOfSatisfying(SchemaRegistryUnavailableException.class, e -> {
                        assertThat(e.getAttempts()).isEqualTo(3);
                        assertThat(e.getStatus()).isEqualTo(503);
                        assertThat(e.getErrorCode()).isEqualTo(50301);
                    });
        }
        assertThat(registry.requestCount()).isEqualTo(3);
    }

    @Test
    void fourHundredsAreNotRetried() {
        registry.failAllWith(422);
        HttpSchemaRegistryClient http = new HttpSchemaRegistryClient(List.of(registry.url()), FAST_RETRIES);
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer(http)) {
            assertThatThrownBy(() -> serializer.serialize("orders", TestData.orderPlaced(1)))
                    .isInstanceOf(SerializationException.class)
                    .isNotInstanceOf(SchemaNotRegisteredException.class)
                    .hasMessageContaining("answered 422 (error code 42201)")
                    .cause()
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                        assertThat(e).isNotInstanceOf(SchemaRegistryUnavailableException.class);
                        assertThat(e.getStatus()).isEqualTo(422);
                        assertThat(e.getErrorCode()).isEqualTo(42201);
                    });
        }
        assertThat(registry.requestCount()).isEqualTo(1);
        assertThat(http.requestAttempts()).isEqualTo(1);
    }

    @Test
    void theNextUrlIsTriedWhenOneIsDownAndRememberedAfterwards() {
        String down = "http://127.0.0.1:" + TestData.closedPort();
        HttpSchemaRegistryClient http = new HttpSchemaRegistryClient(List.of(down, registry.url()), FAST_RETRIES);
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer(http)) {
            serializer.serialize("orders", TestData.orderPlaced(1));
            assertThat(http.requestAttempts()).isEqualTo(2);

            serializer.serialize("payments", TestData.payment(TestData.PAYMENT_V1, "p", 1));
            assertThat(http.requestAttempts()).isEqualTo(3);
        }
        assertThat(registry.subjects()).containsExactly("orders-value", "payments-value");
    }

    @Test
    void aCorruptBodyNamesTopicAndSchemaId() {
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer();
             KafkaAvroDeserializer deserializer = deserializer()) {
            serializer.configure(registry.config(), false);
            byte[] bytes = serializer.serialize("orders", TestData.orderPlaced(1));
            byte[] truncated = Arrays.copyOf(bytes, 12);

            assertThatThrownBy(() -> deserializer.deserialize("orders", truncated))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("Cannot decode value of topic orders (12 bytes) with writer schema id "
                            + TestData.idOf(bytes) + " (dev.outbox.events.order.OrderPlaced)");
        }
    }

    @Test
    void aSpecificReaderWithoutTheGeneratedClassSaysSo() {
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer();
             KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
            serializer.configure(registry.config(), false);
            deserializer.configure(registry.config(
                    SPECIFIC_AVRO_READER_CONFIG, true), false);
            byte[] bytes = serializer.serialize("payments", TestData.payment(TestData.PAYMENT_V1, "p", 1));

            assertThatThrownBy(() -> deserializer.deserialize("payments", bytes))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("no generated class dev.outbox.test.Payment on the classpath");
        }
    }

    @Test
    void aSpecificReaderRefusesClassesThatAreNotAvroGenerated() {
        org.apache.avro.Schema thread = new org.apache.avro.Schema.Parser().parse("""
                {"type":"record","name":"Thread","namespace":"java.lang","fields":[{"name":"name","type":"string"}]}""");
        org.apache.avro.generic.GenericRecord record = new org.apache.avro.generic.GenericData.Record(thread);
        record.put("name", "x");
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer();
             KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
            serializer.configure(registry.config(), false);
            deserializer.configure(registry.config(
                    SPECIFIC_AVRO_READER_CONFIG, true), false);
            byte[] bytes = serializer.serialize("evil", record);

            assertThatThrownBy(() -> deserializer.deserialize("evil", bytes))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("names java.lang.Thread, which is not an Avro-generated class");
            assertThat(GeneratedClassTrust.isGenerated(Thread.class)).isFalse();
            assertThat(GeneratedClassTrust.isGenerated(dev.outbox.events.order.OrderPlaced.class)).isTrue();
            assertThat(GeneratedClassTrust.isGenerated(dev.outbox.events.delivery.DeliveryStatus.class)).isTrue();
        }
    }

    @Test
    void unsupportedValuesAndMissingConfigurationAreExplained() {
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer(new HttpSchemaRegistryClient(registry.url()))) {
            assertThatThrownBy(() -> serializer.serialize("t", new Object()))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("Cannot serialise a java.lang.Object as Avro");
        }
        try (KafkaAvroSerializer unconfigured = new KafkaAvroSerializer()) {
            assertThatThrownBy(() -> unconfigured.serialize("t", "x"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not configured");
            Map<String, Object> noUrl = TestData.config();
            assertThatThrownBy(() -> unconfigured.configure(noUrl, false))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("schema.registry.url");
        }
        assertThatThrownBy(() -> new HttpSchemaRegistryClient("ftp://registry:8081"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not a valid schema registry URL");
        assertThat(registry.requestCount()).isZero();
    }
}
