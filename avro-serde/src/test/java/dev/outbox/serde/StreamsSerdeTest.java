package dev.outbox.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outbox.events.order.OrderPlaced;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The serdes inside Kafka Streams: instantiated and configured by Streams from class names, as an app would. */
class StreamsSerdeTest {

    @RegisterExtension
    final FakeSchemaRegistry registry = FakeSchemaRegistry.start();

    private Properties streamsConfig(String valueSubjectNameStrategy) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "avro-serde-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, SpecificAvroSerde.class);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        props.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
        if (valueSubjectNameStrategy != null) {
            props.put(AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY_CONFIG, valueSubjectNameStrategy);
        }
        return props;
    }

    @Test
    void specificAvroSerdeAsTheDefaultValueSerdeRoundTripsThroughATopology() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.<String, OrderPlaced>stream("orders")
                .mapValues(order -> {
                    order.setSequence(order.getSequence() + 100);
                    return order;
                })
                .to("orders-out");

        String strategy = "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy";
        Map<String, Object> clientConfig = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url(),
                AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true,
                AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY_CONFIG, strategy);
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), streamsConfig(strategy));
             KafkaAvroSerializer serializer = new KafkaAvroSerializer();
             KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
            serializer.configure(clientConfig, false);
            deserializer.configure(clientConfig, false);
            TestInputTopic<String, Object> in = driver.createInputTopic("orders", new StringSerializer(), serializer);
            TestInputTopic<String, byte[]> raw = driver.createInputTopic("orders", new StringSerializer(),
                    new ByteArraySerializer());
            TestOutputTopic<String, Object> out = driver.createOutputTopic("orders-out", new StringDeserializer(),
                    deserializer);
            OrderPlaced order = TestData.orderPlaced(1);

            raw.pipeInput("bad", "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8));
            in.pipeInput(order.getOrderId().toString(), order);

            KeyValue<String, Object> result = out.readKeyValue();
            assertThat(result.key).isEqualTo(order.getOrderId().toString());
            assertThat(result.value).isInstanceOfSatisfying(OrderPlaced.class, o -> {
                assertThat(o.getSequence()).isEqualTo(101L);
                assertThat(o.getEventId()).isEqualTo(order.getEventId());
                assertThat(o.getOccurredAt()).isEqualTo(order.getOccurredAt());
            });
            // the poison record was skipped by the handler, not passed on
            assertThat(out.isEmpty()).isTrue();
        }
        // the serde Streams built from the class name applied the configured (Confluent-named) strategy
        assertThat(registry.subjects()).containsExactly("orders-dev.outbox.events.order.OrderPlaced",
                "orders-out-dev.outbox.events.order.OrderPlaced");
    }

    @Test
    void genericAvroSerdeWithAnInjectedClient() {
        CountingSchemaRegistryClient counting =
                new CountingSchemaRegistryClient(new HttpSchemaRegistryClient(registry.url()));
        StreamsBuilder builder = new StreamsBuilder();
        try (GenericAvroSerde serde = new GenericAvroSerde(counting)) {
            builder.stream("payments", Consumed.with(Serdes.String(), serde))
                    .filter((key, payment) -> ((Double) payment.get("amount")) > 10)
                    .to("big-payments", Produced.with(Serdes.String(), serde));
            try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), streamsConfig(null))) {
                TestInputTopic<String, GenericRecord> in = driver.createInputTopic("payments",
                        new StringSerializer(), serde.serializer());
                TestOutputTopic<String, GenericRecord> out = driver.createOutputTopic("big-payments",
                        new StringDeserializer(), serde.deserializer());

                for (int i = 0; i < 20; i++) {
                    in.pipeInput("p" + i, TestData.payment(TestData.PAYMENT_V1, "p" + i, i));
                }

                assertThat(out.readValuesToList()).hasSize(9)
                        .allSatisfy(p -> assertThat(p).isInstanceOf(GenericData.Record.class))
                        .extracting(p -> p.get("id").toString()).first().isEqualTo("p11");
            }
        }
        // one shared cache: the registrations of both topics, nothing per record
        assertThat(registry.subjects()).containsExactly("big-payments-value", "payments-value");
        assertThat(counting.registerCalls()).isEqualTo(2);
        assertThat(counting.getSchemaByIdCalls()).isZero();
    }
}
