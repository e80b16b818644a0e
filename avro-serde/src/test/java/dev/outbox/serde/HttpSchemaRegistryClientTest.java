package dev.outbox.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outbox.events.order.OrderPlaced;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HttpSchemaRegistryClientTest {

    @RegisterExtension
    final FakeSchemaRegistry registry = FakeSchemaRegistry.start();

    @Test
    void speaksTheConfluentApiWithItsContentType() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(registry.url());

        int id = client.register("orders-value", OrderPlaced.getClassSchema());
        SchemaMetadata lookedUp = client.lookup("orders-value", OrderPlaced.getClassSchema());
        SchemaMetadata latest = client.getLatestSchemaMetadata("orders-value");

        assertThat(lookedUp).isEqualTo(new SchemaMetadata("orders-value", id, 1, OrderPlaced.getClassSchema()));
        assertThat(latest).isEqualTo(lookedUp);
        assertThat(client.getSchemaById(id)).isEqualTo(OrderPlaced.getClassSchema());
        assertThat(registry.requestLines()).containsExactly(
                "POST /subjects/orders-value/versions",
                "POST /subjects/orders-value",
                "GET /subjects/orders-value/versions/latest",
                "GET /schemas/ids/" + id);
        assertThat(registry.postContentTypes()).containsExactly(HttpSchemaRegistryClient.CONTENT_TYPE,
                HttpSchemaRegistryClient.CONTENT_TYPE);
    }

    @Test
    void registeringTwiceGivesTheSameIdAndANewSchemaANewVersion() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(registry.url());

        int v1 = client.register("payments-value", TestData.PAYMENT_V1);
        int again = client.register("payments-value", TestData.PAYMENT_V1);
        int v2 = client.register("payments-value", TestData.PAYMENT_V2);

        assertThat(again).isEqualTo(v1);
        assertThat(v2).isNotEqualTo(v1);
        SchemaMetadata latest = client.getLatestSchemaMetadata("payments-value");
        assertThat(latest.id()).isEqualTo(v2);
        assertThat(latest.version()).isEqualTo(2);
        assertThat(latest.schema()).isEqualTo(TestData.PAYMENT_V2);
    }

    @Test
    void subjectsArePercentEncoded() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(registry.url());
        String subject = "team a/orders+v2?x=1&y=ü#frag";

        int id = client.register(subject, TestData.PAYMENT_V1);

        assertThat(registry.subjects()).containsExactly(subject);
        assertThat(client.lookup(subject, TestData.PAYMENT_V1).id()).isEqualTo(id);
        assertThat(client.getLatestSchemaMetadata(subject).subject()).isEqualTo(subject);
        assertThat(registry.requestLines().get(0))
                .isEqualTo("POST /subjects/team%20a%2Forders%2Bv2%3Fx%3D1%26y%3D%C3%BC%23frag/versions");
    }

    @Test
    void errorBodiesBecomeTypedExceptions() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(registry.url());

        assertThatThrownBy(() -> client.getLatestSchemaMetadata("nope-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.getStatus()).isEqualTo(404);
                    assertThat(e.getErrorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND);
                    assertThat(e.getRegistryMessage()).isEqualTo("Subject 'nope-value' not found.");
                    assertThat(e.isNotFound()).isTrue();
                    assertThat(e.getUrl()).isEqualTo(URI.create(registry.url() + "/subjects/nope-value/versions/latest"));
                })
                .hasMessageContaining("answered 404 (error code 40401): Subject 'nope-value' not found.");
        assertThat(registry.requestCount()).isEqualTo(1);
    }

    @Test
    void urlsAndSettingsComeFromTheConfiguration() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, " http://a:8081/ , http://b:8081/base",
                AvroSerdeConfig.SCHEMA_REGISTRY_RETRIES_CONFIG, "5",
                AvroSerdeConfig.SCHEMA_REGISTRY_RETRY_BACKOFF_MS_CONFIG, 7,
                AvroSerdeConfig.SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS_CONFIG, "1234"));

        assertThat(client.baseUrls()).containsExactly(URI.create("http://a:8081"), URI.create("http://b:8081/base"));
        assertThat(client.settings().retries()).isEqualTo(5);
        assertThat(client.settings().backoff()).isEqualTo(Duration.ofMillis(7));
        assertThat(client.settings().requestTimeout()).isEqualTo(Duration.ofMillis(1234));
        assertThat(HttpSchemaRegistryClient.Settings.defaults().retries()).isEqualTo(3);
        assertThat(HttpSchemaRegistryClient.Settings.defaults().backoff()).isEqualTo(Duration.ofMillis(100));

        assertThatThrownBy(() -> new HttpSchemaRegistryClient(List.of(" "), HttpSchemaRegistryClient.Settings.defaults()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("at least one schema registry URL");
        assertThatThrownBy(() -> new HttpSchemaRegistryClient(Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url(),
                AvroSerdeConfig.SCHEMA_REGISTRY_RETRIES_CONFIG, -1)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AvroSerdeConfig.SCHEMA_REGISTRY_RETRIES_CONFIG);
    }

    @Test
    void theCountingClientCountsWhatReachesIt() {
        CountingSchemaRegistryClient counting =
                new CountingSchemaRegistryClient(new HttpSchemaRegistryClient(registry.url()));
        CachedSchemaRegistryClient cached = new CachedSchemaRegistryClient(counting);

        int id = cached.register("s", TestData.PAYMENT_V1);
        cached.register("s", TestData.PAYMENT_V1);
        cached.getSchemaById(id);
        cached.lookup("s", TestData.PAYMENT_V1);
        cached.lookup("s", TestData.PAYMENT_V1);

        assertThat(counting.registerCalls()).isEqualTo(1);
        assertThat(counting.getSchemaByIdCalls()).isZero();
        assertThat(counting.lookupCalls()).isEqualTo(1);
        assertThat(counting.totalCalls()).isEqualTo(2);
        assertThat(registry.requestCount()).isEqualTo(2);
        assertThat(CachedSchemaRegistryClient.of(cached)).isSameAs(cached);
    }
}
