package dev.outbox.serde;

import static dev.outbox.serde.AvroSerdeConfig.KEY_SUBJECT_NAME_STRATEGY_CONFIG;
import static dev.outbox.serde.AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY_CONFIG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outbox.events.order.OrderPlaced;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SubjectNameStrategyTest {

    /** A strategy of the application's own. */
    public static class PrefixStrategy implements SubjectNameStrategy {
        private String prefix = "?";

        @Override
        public void configure(Map<String, ?> configs) {
            prefix = String.valueOf(configs.get("test.subject.prefix"));
        }

        @Override
        public String subjectName(String topic, boolean isKey, Schema schema) {
            return prefix + "-" + topic;
        }
    }

    @RegisterExtension
    final FakeSchemaRegistry registry = FakeSchemaRegistry.start();

    static Stream<Arguments> strategies() {
        return Stream.of(
                Arguments.of("default", null, false, "orders-value"),
                Arguments.of("default key", null, true, "orders-key"),
                Arguments.of("Confluent TopicNameStrategy", "io.confluent.kafka.serializers.subject.TopicNameStrategy",
                        false, "orders-value"),
                Arguments.of("Confluent TopicNameStrategy, key", "io.confluent.kafka.serializers.subject.TopicNameStrategy",
                        true, "orders-key"),
                Arguments.of("Confluent RecordNameStrategy", "io.confluent.kafka.serializers.subject.RecordNameStrategy",
                        false, "dev.outbox.events.order.OrderPlaced"),
                Arguments.of("Confluent TopicRecordNameStrategy",
                        "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy", true,
                        "orders-dev.outbox.events.order.OrderPlaced"),
                Arguments.of("own RecordNameStrategy by name", "dev.outbox.serde.RecordNameStrategy", false,
                        "dev.outbox.events.order.OrderPlaced"),
                Arguments.of("own TopicRecordNameStrategy as a Class", TopicRecordNameStrategy.class, false,
                        "orders-dev.outbox.events.order.OrderPlaced"),
                Arguments.of("application's own class", PrefixStrategy.class.getName(), false, "custom-orders"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void registersUnderTheSubjectTheStrategyNames(String label, Object strategy, boolean isKey, String expected) {
        Map<String, Object> config = registry.config(
                "test.subject.prefix", "custom");
        if (strategy != null) {
            config.put(isKey ? KEY_SUBJECT_NAME_STRATEGY_CONFIG : VALUE_SUBJECT_NAME_STRATEGY_CONFIG, strategy);
        }
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer();
             KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
            serializer.configure(config, isKey);
            deserializer.configure(registry.config(
                    AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true), isKey);
            OrderPlaced order = TestData.orderPlaced(1);

            byte[] bytes = serializer.serialize("orders", order);

            assertThat(registry.subjects()).containsExactly(expected);
            assertThat(deserializer.deserialize("orders", bytes)).isEqualTo(order);
        }
    }

    @Test
    void keyAndValueStrategiesAreIndependent() {
        Map<String, Object> config = registry.config(
                KEY_SUBJECT_NAME_STRATEGY_CONFIG, "io.confluent.kafka.serializers.subject.TopicNameStrategy",
                VALUE_SUBJECT_NAME_STRATEGY_CONFIG, "io.confluent.kafka.serializers.subject.RecordNameStrategy");
        try (KafkaAvroSerializer keys = new KafkaAvroSerializer();
             KafkaAvroSerializer values = new KafkaAvroSerializer()) {
            keys.configure(config, true);
            values.configure(config, false);

            keys.serialize("orders", "order-1");
            values.serialize("orders", TestData.orderPlaced(1));

            assertThat(registry.subjects()).containsExactly("dev.outbox.events.order.OrderPlaced", "orders-key");
        }
    }

    @Test
    void recordNameStrategiesRefuseUnnamedSchemas() {
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer()) {
            serializer.configure(registry.config(
                    KEY_SUBJECT_NAME_STRATEGY_CONFIG, "io.confluent.kafka.serializers.subject.RecordNameStrategy"), true);

            assertThatThrownBy(() -> serializer.serialize("orders", "order-1"))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("RecordNameStrategy needs a named Avro schema")
                    .hasMessageContaining("key");
            assertThat(registry.requestCount()).isZero();
        }
    }

    @Test
    void anUnknownStrategyClassIsAConfigErrorNamingTheKey() {
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer()) {
            Map<String, Object> config = registry.config(
                    VALUE_SUBJECT_NAME_STRATEGY_CONFIG, "io.confluent.kafka.serializers.subject.NoSuchStrategy");
            assertThatThrownBy(() -> serializer.configure(config, false))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(VALUE_SUBJECT_NAME_STRATEGY_CONFIG)
                    .hasMessageContaining("NoSuchStrategy")
                    .hasMessageContaining("io.confluent.kafka.serializers.subject.TopicRecordNameStrategy");
        }
    }

    @Test
    void aClassNotImplementingTheInterfaceIsRefused() {
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer()) {
            Map<String, Object> config = registry.config(
                    VALUE_SUBJECT_NAME_STRATEGY_CONFIG, "java.lang.String");
            assertThatThrownBy(() -> serializer.configure(config, false))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("does not implement dev.outbox.serde.SubjectNameStrategy");
        }
    }

    @Test
    void strategiesNameSubjectsLikeConfluent() {
        Schema schema = OrderPlaced.getClassSchema();
        assertThat(new TopicNameStrategy().subjectName("t", false, schema)).isEqualTo("t-value");
        assertThat(new TopicNameStrategy().subjectName("t", true, schema)).isEqualTo("t-key");
        assertThat(new RecordNameStrategy().subjectName("t", false, schema))
                .isEqualTo("dev.outbox.events.order.OrderPlaced");
        assertThat(new TopicRecordNameStrategy().subjectName("t", true, schema))
                .isEqualTo("t-dev.outbox.events.order.OrderPlaced");
    }
}
