package dev.outbox.serde;

import static dev.outbox.serde.AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG;
import static dev.outbox.serde.AvroSerdeConfig.LATEST_CACHE_TTL_SEC_CONFIG;
import static dev.outbox.serde.AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG;
import static dev.outbox.serde.AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG;
import static dev.outbox.serde.AvroSerdeConfig.USE_LATEST_VERSION_CONFIG;
import static dev.outbox.serde.TestData.idOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.outbox.events.order.OrderPlaced;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CachingTest {

    private static final int RECORDS = 100_000;

    @RegisterExtension
    final FakeSchemaRegistry registry = FakeSchemaRegistry.start();

    private static List<OrderPlaced> orders(int n) {
        List<OrderPlaced> orders = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            orders.add(TestData.orderPlaced(i));
        }
        return orders;
    }

    @Test
    void aHundredThousandRoundTripsAskTheRegistryOncePerDirection() {
        CountingSchemaRegistryClient counting =
                new CountingSchemaRegistryClient(new HttpSchemaRegistryClient(registry.url()));
        List<OrderPlaced> orders = orders(100);
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer(counting);
             KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer(counting,
                     Map.of(SPECIFIC_AVRO_READER_CONFIG, true), false)) {
            int mismatches = 0;
            for (int i = 0; i < RECORDS; i++) {
                OrderPlaced order = orders.get(i % orders.size());
                Object back = deserializer.deserialize("orders", serializer.serialize("orders", order));
                if (!order.equals(back)) {
                    mismatches++;
                }
                if (i % 10_000 == 100) {
                    // fail fast rather than make 100,000 HTTP calls when the cache is broken
                    assertThat(counting.totalCalls()).as("registry calls after %d records", i + 1).isLessThanOrEqualTo(2);
                }
            }
            assertThat(mismatches).isZero();
        }
        // the serializer and deserializer each have their own cache here: one register, one fetch by id
        assertThat(counting.registerCalls()).isEqualTo(1);
        assertThat(counting.getSchemaByIdCalls()).isEqualTo(1);
        assertThat(counting.totalCalls()).isLessThanOrEqualTo(2);
        assertThat(registry.requestCount()).isLessThanOrEqualTo(2);
    }

    @Test
    void aSerdeSharesOneCacheBetweenItsSerializerAndDeserializer() {
        List<OrderPlaced> orders = orders(10);
        try (SpecificAvroSerde<OrderPlaced> serde = new SpecificAvroSerde<>()) {
            serde.configure(Map.of(SCHEMA_REGISTRY_URL_CONFIG, registry.url()), false);
            for (int i = 0; i < RECORDS; i++) {
                OrderPlaced order = orders.get(i % orders.size());
                OrderPlaced back = serde.deserializer().deserialize("orders",
                        serde.serializer().serialize("orders", order));
                if (i % 10_000 == 100) {
                    assertThat(back).isEqualTo(order);
                    assertThat(registry.requestCount()).as("registry calls after %d records", i + 1).isEqualTo(1);
                }
            }
        }
        // the id → schema mapping is known from the registration
        assertThat(registry.requestCount()).isEqualTo(1);
        assertThat(registry.requestCount("register")).isEqualTo(1);
    }

    @Test
    void preregisteringResolvesTheIdSoSerialisingMakesNoRegistryCall() {
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer()) {
            serializer.configure(Map.of(SCHEMA_REGISTRY_URL_CONFIG, registry.url()), false);

            int id = serializer.preregister("orders", OrderPlaced.class);
            assertThat(registry.requestCount()).isEqualTo(1);
            assertThat(registry.versions("orders-value")).containsExactly(id);

            for (OrderPlaced order : orders(1_000)) {
                assertThat(idOf(serializer.serialize("orders", order))).isEqualTo(id);
            }
            assertThat(registry.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void preregisteringWithoutAutoRegisterLooksTheSchemaUp() {
        int registered = registry.registerDirectly("orders-value", OrderPlaced.getClassSchema());
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer()) {
            serializer.configure(Map.of(SCHEMA_REGISTRY_URL_CONFIG, registry.url(),
                    AUTO_REGISTER_SCHEMAS_CONFIG, false), false);

            assertThat(serializer.preregister("orders", OrderPlaced.getClassSchema())).isEqualTo(registered);
            serializer.serialize("orders", TestData.orderPlaced(1));

            assertThat(registry.requestCount("lookup")).isEqualTo(1);
            assertThat(registry.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void concurrentFirstCallsAgreeOnTheId() throws Exception {
        int threads = 8;
        List<OrderPlaced> orders = orders(50);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (SpecificAvroSerde<OrderPlaced> serde = new SpecificAvroSerde<>()) {
            serde.configure(Map.of(SCHEMA_REGISTRY_URL_CONFIG, registry.url()), false);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<byte[]>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Callable<List<byte[]>> task = () -> {
                    start.await();
                    List<byte[]> written = new ArrayList<>();
                    for (OrderPlaced order : orders) {
                        written.add(serde.serializer().serialize("orders", order));
                    }
                    return written;
                };
                results.add(pool.submit(task));
            }
            start.countDown();
            for (Future<List<byte[]>> result : results) {
                List<byte[]> written = result.get();
                for (int i = 0; i < written.size(); i++) {
                    assertThat(idOf(written.get(i))).isEqualTo(registry.versions("orders-value").get(0));
                    assertThat(serde.deserializer().deserialize("orders", written.get(i))).isEqualTo(orders.get(i));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(registry.versions("orders-value")).hasSize(1);
        assertThat(registry.requestCount("register")).isBetween(1, threads);
        assertThat(registry.requestCount("byId")).isZero();
    }

    @Test
    void theLatestVersionIsCachedUnlessATtlSaysOtherwise() {
        registry.registerDirectly("payments-value", TestData.PAYMENT_V1);
        try (KafkaAvroSerializer cachedForever = new KafkaAvroSerializer();
             KafkaAvroSerializer noCache = new KafkaAvroSerializer()) {
            cachedForever.configure(Map.of(SCHEMA_REGISTRY_URL_CONFIG, registry.url(),
                    USE_LATEST_VERSION_CONFIG, true), false);
            noCache.configure(Map.of(SCHEMA_REGISTRY_URL_CONFIG, registry.url(),
                    USE_LATEST_VERSION_CONFIG, true, LATEST_CACHE_TTL_SEC_CONFIG, 0), false);

            for (int i = 0; i < 5; i++) {
                cachedForever.serialize("payments", TestData.payment(TestData.PAYMENT_V1, "p" + i, i));
            }
            assertThat(registry.requestCount("latest")).isEqualTo(1);

            for (int i = 0; i < 5; i++) {
                noCache.serialize("payments", TestData.payment(TestData.PAYMENT_V1, "p" + i, i));
            }
            assertThat(registry.requestCount("latest")).isEqualTo(1 + 5);
        }
    }
}
