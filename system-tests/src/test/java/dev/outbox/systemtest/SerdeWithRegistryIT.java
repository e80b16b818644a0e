package dev.outbox.systemtest;

import dev.outbox.events.common.DeliveryAddress;
import dev.outbox.events.common.OrderLine;
import dev.outbox.events.order.OrderPlaced;
import dev.outbox.serde.CachedSchemaRegistryClient;
import dev.outbox.serde.CountingSchemaRegistryClient;
import dev.outbox.serde.GenericAvroSerde;
import dev.outbox.serde.HttpSchemaRegistryClient;
import dev.outbox.serde.KafkaAvroDeserializer;
import dev.outbox.serde.KafkaAvroSerializer;
import dev.outbox.serde.SchemaRegistryException;
import dev.outbox.stack.RegistryAccounts;
import dev.outbox.stack.StackSettings;
import dev.outbox.stack.junit.LocalStackExtension;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The serde against the stack's real schema registry (issue 3's serde checks, with a real server on the other end),
 * which has authentication on: the serde signs in as the stack's writer account, Confluent's way.
 */
@ExtendWith(LocalStackExtension.class)
class SerdeWithRegistryIT {

    private static StackSettings settings;
    private static RegistryAccounts accounts;

    @BeforeAll
    static void settings(StackSettings s) {
        settings = s;
        accounts = s.registryAccounts();
    }

    /** The registry URL, the writer's credentials, and more keys and values. */
    private static Map<String, Object> configAs(String userInfo, Object... more) {
        Map<String, Object> config = new HashMap<>(Map.of("schema.registry.url", settings.registryUrl(),
                "basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", userInfo));
        for (int i = 0; i < more.length; i += 2) {
            config.put((String) more[i], more[i + 1]);
        }
        return config;
    }

    private static Map<String, Object> config(Object... more) {
        return configAs(accounts.writerUserInfo(), more);
    }

    private static OrderPlaced event(String customer) {
        return OrderPlaced.newBuilder().setEventId(UUID.randomUUID()).setOrderId(UUID.randomUUID()).setSequence(1)
                .setOccurredAt(Instant.parse("2026-11-25T12:00:00.250Z")).setCustomerId(customer)
                .setLines(List.of(new OrderLine("BOOK-1", 3)))
                .setDeliveryAddress(new DeliveryAddress("Ada", "1 Main St", "London", "N1", "GB", null)).build();
    }

    @Test
    void aSpecificRecordRoundTripsAndAnyAvroLibraryDecodesItWithTheSchemaFetchedById() throws Exception {
        OrderPlaced written = event("c-serde");
        byte[] bytes;
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer()) {
            serializer.configure(config(), false);
            bytes = serializer.serialize("serde-it", written);
        }
        try (KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
            deserializer.configure(configAs(accounts.readerUserInfo(), "specific.avro.reader", true), false);
            assertThat(deserializer.deserialize("serde-it", bytes)).isEqualTo(written);
        }

        // plain Avro, no serde: header, then the schema from GET /schemas/ids/{id}, then the body
        assertThat(bytes[0]).isZero();
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        Schema schema = new Schema.Parser().parse(Api.JSON.readTree(get("/schemas/ids/" + id)).get("schema")
                .asString());
        GenericRecord plain = new GenericDatumReader<GenericRecord>(schema)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertThat(plain.get("customerId").toString()).isEqualTo("c-serde");
        assertThat(plain.get("orderId").toString()).isEqualTo(written.getOrderId().toString());
        assertThat(plain.get("occurredAt")).isEqualTo(written.getOccurredAt().toEpochMilli());
    }

    @Test
    void aGenericRecordRoundTripsUnderTheTopicNameStrategy() {
        Schema schema = new Schema.Parser().parse("""
                {"type": "record", "name": "Ping", "namespace": "it", "fields": [{"name": "n", "type": "long"}]}""");
        GenericRecord ping = new GenericData.Record(schema);
        ping.put("n", 42L);
        try (GenericAvroSerde serde = new GenericAvroSerde()) {
            serde.configure(config(), false);
            byte[] bytes = serde.serializer().serialize("ping-it", ping);
            assertThat(serde.deserializer().deserialize("ping-it", bytes).get("n")).isEqualTo(42L);
        }
        assertThat(get("/subjects")).contains("\"ping-it-value\"");
    }

    @Test
    void serialising100000RecordsCallsTheRegistryABoundedNumberOfTimes() {
        CountingSchemaRegistryClient counting = new CountingSchemaRegistryClient(
                new HttpSchemaRegistryClient(List.of(settings.registryUrl()), HttpSchemaRegistryClient.Settings.defaults(),
                        accounts.writerUserInfo()));
        CachedSchemaRegistryClient client = new CachedSchemaRegistryClient(counting);
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer(client, config(), false);
             KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer(client, config("specific.avro.reader", true),
                     false)) {
            OrderPlaced event = event("c-cache");
            for (int i = 0; i < 100_000; i++) {
                byte[] bytes = serializer.serialize("cache-it", event);
                if (i % 1000 == 0) {
                    assertThat(deserializer.deserialize("cache-it", bytes)).isEqualTo(event);
                }
            }
        }
        assertThat(counting.totalCalls()).as(counting.toString()).isLessThanOrEqualTo(2);
    }

    @Test
    void withoutOrWithWrongCredentialsTheRegistryRefusesAndAReaderMayNotRegister() {
        Map<Map<String, Object>, Integer> refusals = Map.of(
                Map.of("schema.registry.url", settings.registryUrl()), 401,
                configAs("writer:not-the-password"), 401,
                configAs(accounts.readerUserInfo()), 403);
        refusals.forEach((config, status) -> {
            try (KafkaAvroSerializer serializer = new KafkaAvroSerializer()) {
                serializer.configure(config, false);
                assertThatThrownBy(() -> serializer.serialize("refused-it", event("c-refused")))
                        .as(config.toString())
                        .satisfies(e -> assertThat(e.getCause()).isInstanceOfSatisfying(SchemaRegistryException.class,
                                r -> {
                                    assertThat(r.getStatus()).isEqualTo(status);
                                    assertThat(r.getErrorCode()).isEqualTo(status);
                                }))
                        .satisfies(e -> assertThat(e.toString()).doesNotContain("not-the-password"));
            }
        });
        assertThat(get("/subjects")).doesNotContain("refused-it");
        // the URL form of the credentials (Confluent's default source) works too
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer()) {
            serializer.configure(Map.of("schema.registry.url", settings.registryUrl().replace("http://",
                    "http://" + accounts.writerUserInfo() + "@")), false);
            assertThat(serializer.serialize("url-credentials-it", event("c-url"))).isNotEmpty();
        }
    }

    /** GET as the reader. */
    private static String get(String path) {
        return Api.get(settings.registryUrl() + path, accounts.readerUserInfo()).body();
    }
}
