package dev.outbox.delivery.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outbox.serde.SchemaRegistryException;
import dev.outbox.serde.SchemaRegistryUnavailableException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Streams' dead-letter queue with {@link DeadLetterHandler}: a record that cannot be decoded or processed is
 * dead-lettered as it came in, with reason and origin, and the next one is processed; a failure that is not the
 * record's fault (registry unreachable or refusing the credentials, Streams' own trouble) fails instead.
 *
 * <p>At-least-once, as in {@code TopologyHarness} (which says why).
 */
class DeadLetterHandlerTest {

    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final TopologyTestDriver driver;
    private final TestInputTopic<byte[], byte[]> in;
    private final TestOutputTopic<String, String> out;
    private final TestOutputTopic<byte[], byte[]> dlq;

    DeadLetterHandlerTest() {
        Topology topology = new Topology()
                .addSource("in", new StringDeserializer(), new Decoder(), "in")
                .addProcessor("work", Work::new, "in")
                .addSink("out", "out", new StringSerializer(), new Encoder(), "work");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "dlq-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.putAll(DeadLetterHandler.config("dlq", new DeadLetterMetrics(meters)));
        driver = new TopologyTestDriver(topology, props);
        in = driver.createInputTopic("in", new ByteArraySerializer(), new ByteArraySerializer());
        out = driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
        dlq = driver.createOutputTopic("dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Stands in for the Avro deserializer: garbage does not decode, and the registry may be down or refuse us. */
    static final class Decoder implements Deserializer<String> {
        @Override
        public String deserialize(String topic, byte[] data) {
            String value = new String(data, StandardCharsets.UTF_8);
            if (value.startsWith("garbage")) {
                throw new SerializationException("cannot decode", new IllegalArgumentException("unknown magic byte"));
            }
            if (value.equals("decode:registry-down")) {
                throw registryDown();
            }
            if (value.equals("decode:registry-refuses")) {
                throw registryRefuses(401);
            }
            return value;
        }
    }

    /** Stands in for a sink's serializer: some outputs cannot be written, and the registry may be down. */
    static final class Encoder implements Serializer<String> {
        @Override
        public byte[] serialize(String topic, String data) {
            if (data.equals("UNWRITABLE")) {
                throw new SerializationException("cannot encode", new IllegalArgumentException("not a valid record"));
            }
            if (data.equals("ENCODE:REGISTRY-DOWN")) {
                throw registryDown();
            }
            return data.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Fails on "boom" (a bug, say), on the registry's trouble, and on "fenced" (Streams' own trouble). */
    static final class Work extends ContextualProcessor<String, String, String, String> {
        @Override
        public void process(Record<String, String> record) {
            switch (record.value()) {
                case "boom" -> throw new IllegalStateException("cannot handle boom");
                case "process:registry-down" -> throw registryDown();
                case "process:registry-forbids" -> throw registryRefuses(403);
                case "fenced" -> throw new StreamsException("producer fenced");
                default -> context().forward(record.withValue(record.value().toUpperCase()));
            }
        }
    }

    static SerializationException registryDown() {
        return new SerializationException("cannot fetch schema 7", new SchemaRegistryUnavailableException(
                "registry down", List.of(URI.create("http://127.0.0.1:1")), 4, URI.create("http://127.0.0.1:1"),
                -1, -1, null, null));
    }

    static SerializationException registryRefuses(int status) {
        return new SerializationException("cannot fetch schema 7", new SchemaRegistryException(
                "registry answered " + status, URI.create("http://127.0.0.1:1/schemas/ids/7"), status, status,
                "Unauthorized"));
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void aRecordThatDoesNotDecodeIsDeadLetteredAsItCameWithReasonAndOriginAndTheNextIsProcessed() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", TRACEPARENT.getBytes(StandardCharsets.UTF_8));
        in.pipeInput(new TestRecord<>(bytes("k"), bytes("ok-1"), new RecordHeaders()));
        in.pipeInput(new TestRecord<>(bytes("k"), bytes("garbage!"), headers));
        in.pipeInput(new TestRecord<>(bytes("k"), bytes("ok-2"), new RecordHeaders()));

        assertThat(dlq.readRecordsToList()).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo(bytes("k"));
            assertThat(record.value()).isEqualTo(bytes("garbage!"));
            assertThat(text(record, DeadLetters.REASON)).isEqualTo("org.apache.kafka.common.errors."
                    + "SerializationException: cannot decode; caused by java.lang.IllegalArgumentException: "
                    + "unknown magic byte");
            assertThat(text(record, DeadLetters.STAGE)).isEqualTo(DeadLetters.STAGE_DECODE);
            assertThat(text(record, DeadLetters.EXCEPTION))
                    .isEqualTo("org.apache.kafka.common.errors.SerializationException");
            assertThat(text(record, DeadLetters.SOURCE_TOPIC)).isEqualTo("in");
            assertThat(text(record, DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
            assertThat(text(record, DeadLetters.SOURCE_OFFSET)).isEqualTo("1");
            assertThat(text(record, "traceparent")).isEqualTo(TRACEPARENT);
        });
        assertThat(out.readValuesToList()).containsExactly("OK-1", "OK-2");
        assertThat(meters.find(DeadLetterMetrics.DEAD_LETTERS).tag("stage", "decode").counter().count()).isEqualTo(1);
    }

    @Test
    void aRecordWhoseProcessingFailsIsDeadLetteredAsItCameAndTheNextIsProcessed() {
        in.pipeInput(bytes("k"), bytes("boom"));
        in.pipeInput(bytes("k"), bytes("ok"));

        assertThat(dlq.readRecordsToList()).singleElement().satisfies(record -> {
            assertThat(record.value()).isEqualTo(bytes("boom"));
            assertThat(text(record, DeadLetters.STAGE)).isEqualTo(DeadLetters.STAGE_PROCESS);
            assertThat(text(record, DeadLetters.REASON))
                    .isEqualTo("java.lang.IllegalStateException: cannot handle boom");
            assertThat(text(record, DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
        });
        assertThat(out.readValuesToList()).containsExactly("OK");
        assertThat(meters.find(DeadLetterMetrics.DEAD_LETTERS).tag("stage", "process").counter().count()).isEqualTo(1);
    }

    @Test
    void anUnreachableRegistryFailsTheTaskInsteadOfDeadLetteringAGoodRecord() {
        for (String value : List.of("decode:registry-down", "process:registry-down")) {
            assertThatThrownBy(() -> in.pipeInput(bytes("k"), bytes(value)))
                    .as(value)
                    .isInstanceOf(StreamsException.class)
                    .hasRootCauseInstanceOf(SchemaRegistryUnavailableException.class);
        }
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(out.isEmpty()).isTrue();
    }

    @Test
    void registryCredentialsThatAreRefusedFailTheTaskInsteadOfDeadLetteringAGoodRecord() {
        for (String value : List.of("decode:registry-refuses", "process:registry-forbids")) {
            assertThatThrownBy(() -> in.pipeInput(bytes("k"), bytes(value)))
                    .as(value)
                    .isInstanceOf(StreamsException.class)
                    .hasRootCauseInstanceOf(SchemaRegistryException.class);
        }
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void streamsOwnExceptionsAreNotDeadLettered() {
        assertThatThrownBy(() -> in.pipeInput(bytes("k"), bytes("fenced"))).isInstanceOf(StreamsException.class)
                .hasStackTraceContaining("producer fenced");
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void aRecordWhoseOutputCannotBeWrittenIsDeadLetteredAsItCameAndTheNextIsProcessed() {
        in.pipeInput(bytes("k"), bytes("unwritable"));
        in.pipeInput(bytes("k"), bytes("ok"));

        assertThat(dlq.readRecordsToList()).singleElement().satisfies(record -> {
            assertThat(record.value()).isEqualTo(bytes("unwritable"));
            assertThat(text(record, DeadLetters.STAGE)).isEqualTo(DeadLetters.STAGE_PRODUCE);
            assertThat(text(record, DeadLetters.REASON)).contains("cannot encode", "not a valid record");
            assertThat(text(record, DeadLetters.SOURCE_TOPIC)).isEqualTo("in");
        });
        assertThat(out.readValuesToList()).containsExactly("OK");
        assertThat(meters.find(DeadLetterMetrics.DEAD_LETTERS).tag("stage", "produce").counter().count())
                .isEqualTo(1);
    }

    @Test
    void anOutputThatCannotBeEncodedForWantOfTheRegistryFailsTheTask() {
        assertThatThrownBy(() -> in.pipeInput(bytes("k"), bytes("encode:registry-down")))
                .isInstanceOf(StreamsException.class)
                .hasRootCauseInstanceOf(SchemaRegistryUnavailableException.class);
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void anOutputTooLargeForTheBrokerDeadLettersTheRecordThatCausedItAndProcessingGoesOn() {
        DeadLetterHandler handler = configuredHandler();
        ErrorHandlerContext context = new Context("order.events", 2, 41, bytes("order-1"), bytes("the event"));
        ProducerRecord<byte[], byte[]> tooLarge = new ProducerRecord<>("delivery-streams-deliveries-changelog",
                bytes("order-1"), new byte[2_000_000]);

        ProductionExceptionHandler.Response response = handler.handleError(context, tooLarge,
                new RecordTooLargeException("The message is 2000100 bytes when serialized which is larger than 1048576"));

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(deadLetter -> {
            assertThat(deadLetter.topic()).isEqualTo("dlq");
            assertThat(deadLetter.key()).isEqualTo(bytes("order-1"));
            assertThat(deadLetter.value()).isEqualTo(bytes("the event"));
            assertThat(new String(deadLetter.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8))
                    .contains("RecordTooLargeException", "larger than 1048576");
            assertThat(new String(deadLetter.headers().lastHeader(DeadLetters.STAGE).value(), StandardCharsets.UTF_8))
                    .isEqualTo(DeadLetters.STAGE_PRODUCE);
        });
    }

    @Test
    void aTransientProducerErrorIsRetriedNotDeadLettered() {
        ProductionExceptionHandler.Response response = configuredHandler().handleError(
                new Context("order.events", 0, 1, bytes("k"), bytes("v")),
                new ProducerRecord<>("delivery.status", bytes("k"), bytes("v")),
                new org.apache.kafka.common.errors.TimeoutException("broker slow"));

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RETRY);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    private DeadLetterHandler configuredHandler() {
        DeadLetterHandler handler = new DeadLetterHandler();
        handler.configure(DeadLetterHandler.config("dlq", new DeadLetterMetrics(meters)));
        return handler;
    }

    /** What Streams tells a handler of the record being processed. */
    private record Context(String topic, int partition, long offset, byte[] sourceRawKey, byte[] sourceRawValue)
            implements ErrorHandlerContext {

        @Override
        public org.apache.kafka.common.header.Headers headers() {
            return new RecordHeaders();
        }

        @Override
        public String processorNodeId() {
            return "deliveries";
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, partition);
        }

        @Override
        public long timestamp() {
            return 0;
        }
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
