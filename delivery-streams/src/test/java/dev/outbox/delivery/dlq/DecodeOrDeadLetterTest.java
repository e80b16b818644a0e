package dev.outbox.delivery.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outbox.delivery.metrics.DeliveryMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A record whose processing fails further down is dead-lettered as it came in; Streams' own failures are not. */
class DecodeOrDeadLetterTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final TopologyTestDriver driver;
    private final TestInputTopic<byte[], byte[]> in;
    private final TestOutputTopic<String, String> out;
    private final TestOutputTopic<byte[], byte[]> dlq;

    DecodeOrDeadLetterTest() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        Deserializer<Object> strings = (Deserializer) new StringDeserializer();
        Topology topology = new Topology()
                .addSource("in", new ByteArrayDeserializer(), new ByteArrayDeserializer(), "in")
                .addProcessor("decode", () -> new DecodeOrDeadLetter<>(strings, (key, payload, original) -> payload,
                        "work", "dlq", new DeliveryMetrics(meters)), "in")
                .addProcessor("work", Work::new, "decode")
                .addSink("out", "out", new StringSerializer(), new StringSerializer(), "work")
                .addSink("dlq", "dlq", new ByteArraySerializer(), new ByteArraySerializer(), "decode");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "dlq-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(topology, props);
        in = driver.createInputTopic("in", new ByteArraySerializer(), new ByteArraySerializer());
        out = driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
        dlq = driver.createOutputTopic("dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Fails on "boom" (a bug, say) and on "fenced" (Streams' own trouble); forwards anything else. */
    static final class Work extends ContextualProcessor<String, Object, String, String> {
        @Override
        public void process(Record<String, Object> record) {
            if ("boom".equals(record.value())) {
                throw new IllegalStateException("cannot handle boom");
            }
            if ("registry-down".equals(record.value())) {
                throw new org.apache.kafka.common.errors.SerializationException("cannot fetch schema 7",
                        new dev.outbox.serde.SchemaRegistryUnavailableException("registry down",
                                java.util.List.of(java.net.URI.create("http://127.0.0.1:1")), 4,
                                java.net.URI.create("http://127.0.0.1:1"), -1, -1, null, null));
            }
            if ("registry-refuses".equals(record.value()) || "registry-forbids".equals(record.value())) {
                int status = "registry-refuses".equals(record.value()) ? 401 : 403;
                throw new org.apache.kafka.common.errors.SerializationException("cannot fetch schema 7",
                        new dev.outbox.serde.SchemaRegistryException("registry answered " + status,
                                java.net.URI.create("http://127.0.0.1:1/schemas/ids/7"), status, status, "Unauthorized"));
            }
            if ("fenced".equals(record.value())) {
                throw new StreamsException("producer fenced");
            }
            context().forward(record.withValue(record.value().toString().toUpperCase()));
        }
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void aProcessingFailureIsDeadLetteredWithItsStageAndTheNextRecordIsProcessed() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".getBytes());
        in.pipeInput(new TestRecord<>(bytes("k"), bytes("boom"), headers));
        in.pipeInput(new TestRecord<>(bytes("k"), bytes("ok"), new RecordHeaders()));

        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).singleElement().satisfies(record -> {
            assertThat(record.value()).isEqualTo(bytes("boom"));
            assertThat(text(record, DeadLetters.STAGE)).isEqualTo(DeadLetters.STAGE_PROCESS);
            assertThat(text(record, DeadLetters.REASON))
                    .isEqualTo("java.lang.IllegalStateException: cannot handle boom");
            assertThat(text(record, DeadLetters.SOURCE_TOPIC)).isEqualTo("in");
            assertThat(text(record, "traceparent")).startsWith("00-0af765");
        });
        assertThat(out.readValuesToList()).containsExactly("OK");
        assertThat(meters.find(DeliveryMetrics.DEAD_LETTERS).tag("stage", "process").counter().count()).isEqualTo(1);
    }

    @Test
    void aRecordWithoutKeyIsDeadLettered() {
        in.pipeInput(new TestRecord<>(null, bytes("ok"), new RecordHeaders()));
        assertThat(text(dlq.readRecord(), DeadLetters.REASON)).contains("no key");
    }

    @Test
    void streamsOwnExceptionsAreNotSwallowed() {
        assertThatThrownBy(() -> in.pipeInput(bytes("k"), bytes("fenced"))).isInstanceOf(StreamsException.class);
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void anUnreachableRegistryFailsTheTaskInsteadOfDeadLetteringAGoodRecord() {
        assertThatThrownBy(() -> in.pipeInput(bytes("k"), bytes("registry-down")))
                .isInstanceOf(StreamsException.class)
                .hasStackTraceContaining("schema registry unavailable")
                .hasRootCauseInstanceOf(dev.outbox.serde.SchemaRegistryUnavailableException.class);
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void registryCredentialsThatAreRefusedFailTheTaskInsteadOfDeadLetteringAGoodRecord() {
        for (String value : java.util.List.of("registry-refuses", "registry-forbids")) {
            assertThatThrownBy(() -> in.pipeInput(bytes("k"), bytes(value)))
                    .isInstanceOf(StreamsException.class)
                    .hasStackTraceContaining("schema registry refused the credentials")
                    .hasRootCauseInstanceOf(dev.outbox.serde.SchemaRegistryException.class);
        }
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void theReasonNamesTheCauses() {
        String reason = DeadLetters.reason(new IllegalArgumentException("outer",
                new java.io.IOException("inner")));
        assertThat(reason).isEqualTo("java.lang.IllegalArgumentException: outer; caused by java.io.IOException: inner");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(TestRecord<byte[], byte[]> record, String header) {
        return new String(record.headers().lastHeader(header).value(), StandardCharsets.UTF_8);
    }
}
