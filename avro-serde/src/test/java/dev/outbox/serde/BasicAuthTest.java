package dev.outbox.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outbox.events.order.OrderPlaced;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** HTTP Basic credentials to the registry, configured with Confluent's keys. */
class BasicAuthTest {

    private static final String USER_INFO = "producer:s3cret:with-colon";

    @RegisterExtension
    final FakeSchemaRegistry registry = FakeSchemaRegistry.start();

    private static String header(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    /** Serialises and deserialises one record with this configuration. */
    private static OrderPlaced roundTrip(Map<String, Object> config) {
        OrderPlaced event = TestData.orderPlaced(1);
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer();
             KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
            serializer.configure(config, false);
            Map<String, Object> reading = new java.util.HashMap<>(config);
            reading.put(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true);
            deserializer.configure(reading, false);
            return (OrderPlaced) deserializer.deserialize("orders", serializer.serialize("orders", event));
        }
    }

    @Test
    void userInfoSourceSendsTheCredentialsWithEveryRequest() {
        registry.requireBasicAuth(USER_INFO);

        OrderPlaced read = roundTrip(registry.config(
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", USER_INFO));

        assertThat(read.getCustomerId()).isEqualTo("customer-1");
        assertThat(registry.requestCount("register")).isEqualTo(1);
        assertThat(registry.requestCount("byId")).isEqualTo(1);
        assertThat(registry.authorizations()).containsOnly(header(USER_INFO));
    }

    @Test
    void theDeprecatedPrefixedKeyWorksAndWinsAsInConfluentsClient() {
        registry.requireBasicAuth(USER_INFO);

        roundTrip(registry.config(
                "basic.auth.credentials.source", "user_info",
                "schema.registry.basic.auth.user.info", USER_INFO,
                "basic.auth.user.info", "other:credentials"));

        assertThat(registry.authorizations()).containsOnly(header(USER_INFO));
    }

    @Test
    void urlSourceTakesTheCredentialsFromTheUrlAndNeverShowsThem() {
        registry.requireBasicAuth("reader:p@ss w");
        String url = registry.url().replace("http://", "http://reader:p%40ss%20w@");

        // URL is the default source, as in Confluent's client
        OrderPlaced read = roundTrip(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, url));
        assertThat(read.getCustomerId()).isEqualTo("customer-1");
        assertThat(registry.authorizations()).containsOnly(header("reader:p@ss w"));

        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, url,
                "basic.auth.credentials.source", "URL"));
        assertThat(client.baseUrls().toString()).doesNotContain("reader", "p%40ss");
        assertThat(client.toString()).doesNotContain("reader", "p%40ss");
        assertThatThrownBy(() -> client.getSchemaById(999))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("answered 404")
                .satisfies(e -> assertThat(stackTraceText(e)).doesNotContain("reader", "p%40ss", "p@ss"));
        assertThatThrownBy(() -> new HttpSchemaRegistryClient("ftp://reader:p%40ss@registry:8081"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("reader", "p%40ss"));
    }

    @Test
    void withoutCredentialsNoAuthorizationHeaderIsSent() {
        roundTrip(registry.config());
        roundTrip(registry.config("basic.auth.credentials.source", "URL",
                "basic.auth.user.info", USER_INFO));

        assertThat(registry.authorizations()).containsOnly("");
    }

    @Test
    void wrongOrMissingCredentialsAre401AtOnceAndNotRetried() {
        registry.requireBasicAuth(USER_INFO);
        for (Map<String, Object> config : java.util.List.of(
                registry.config(),
                registry.config("basic.auth.credentials.source", "USER_INFO",
                        "basic.auth.user.info", "producer:wrong-password"))) {
            registry.resetCounts();
            try (KafkaAvroSerializer serializer = new KafkaAvroSerializer()) {
                serializer.configure(config, false);
                assertThatThrownBy(() -> serializer.serialize("orders", TestData.orderPlaced(1)))
                        .isInstanceOf(SerializationException.class)
                        .hasRootCauseInstanceOf(SchemaRegistryException.class)
                        .satisfies(e -> {
                            SchemaRegistryException cause = (SchemaRegistryException) e.getCause();
                            assertThat(cause.getStatus()).isEqualTo(401);
                            assertThat(cause.getErrorCode()).isEqualTo(401);
                            assertThat(cause.getMessage()).contains("answered 401", "basic.auth.user.info")
                                    .doesNotContain("wrong-password");
                        });
            }
            assertThat(registry.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void misconfiguredCredentialsAreConfigErrors() {
        assertThatThrownBy(() -> new AvroSerdeConfig(registry.config(
                "basic.auth.credentials.source", "USER_INFO")).createClient())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("basic.auth.user.info");
        assertThatThrownBy(() -> new AvroSerdeConfig(registry.config(
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "no-colon")).createClient())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("user:password")
                .hasMessageNotContaining("no-colon");
        assertThatThrownBy(() -> new AvroSerdeConfig(registry.config(
                "basic.auth.credentials.source", "SASL_INHERIT")).createClient())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SASL_INHERIT");
        assertThatThrownBy(() -> new AvroSerdeConfig(registry.config(
                "basic.auth.credentials.source", "TOKEN")).createClient())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("URL, USER_INFO");
    }

    private static String stackTraceText(Throwable e) {
        java.io.StringWriter text = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(text));
        return text.toString();
    }
}
