package dev.outbox.delivery.projection;

import dev.outbox.delivery.rules.Delivery;
import dev.outbox.delivery.testing.InMemorySchemaRegistry;
import dev.outbox.events.delivery.DeliveryCommand;
import dev.outbox.events.delivery.DeliveryView;
import dev.outbox.events.delivery.StatusTransition;
import dev.outbox.serde.AvroSerdeConfig;
import dev.outbox.serde.KafkaAvroDeserializer;
import dev.outbox.serde.KafkaAvroSerializer;
import dev.outbox.events.EventIds;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;

/** The real topology in a TopologyTestDriver, with the real serdes over an in-memory registry. */
final class TopologyHarness implements AutoCloseable {

    static final Instant START = Instant.parse("2025-03-01T12:00:00Z");
    static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    final InMemorySchemaRegistry registry;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final DeliveryTopology.Settings settings;
    private final Delivery delivery;
    final TopologyTestDriver driver;
    final KafkaAvroSerializer writer;

    private final TestInputTopic<byte[], byte[]> orderEvents;
    private final TestInputTopic<byte[], byte[]> commands;
    private final TestOutputTopic<String, Object> status;
    private final TestOutputTopic<String, Object> results;
    private final TestOutputTopic<String, Object> events;
    private final TestOutputTopic<byte[], byte[]> deadLetters;
    private final Path stateDir;

    TopologyHarness() {
        this(defaultSettings());
    }

    static DeliveryTopology.Settings defaultSettings() {
        return DeliveryTopology.Settings.defaults();
    }

    TopologyHarness(DeliveryTopology.Settings settings) {
        this(settings, new Delivery(settings.maxFailedAttempts(), settings.maxChanges()));
    }

    /** With another decider, e.g. one whose decisions cannot be published. */
    TopologyHarness(Delivery delivery) {
        this(defaultSettings(), delivery);
    }

    TopologyHarness(DeliveryTopology.Settings settings, Delivery delivery) {
        this(settings, delivery, new InMemorySchemaRegistry());
    }

    /** Another instance of the same application: same settings, decider and schema registry, stores of its own. */
    TopologyHarness anotherInstance() {
        return new TopologyHarness(settings, delivery, registry);
    }

    private TopologyHarness(DeliveryTopology.Settings settings, Delivery delivery, InMemorySchemaRegistry registry) {
        this.settings = settings;
        this.delivery = delivery;
        this.registry = registry;
        try {
            stateDir = Files.createTempDirectory("delivery-topology-test");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "delivery-streams-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        // at-least-once here, exactly-once in the app: under exactly_once_v2 TopologyTestDriver clears its mock
        // producer's uncommitted sends before processing each record (MockProducer.clear()), which drops the
        // dead-letter record Streams writes for a record that does not deserialize (it is sent while the record is
        // enqueued, in the transaction the next commit closes). DeliveryPipelineIT shows that record committed on a
        // real broker under exactly-once.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        DeliveryTopology topology = new DeliveryTopology(settings, registry, new DeliveryMetrics(meters), delivery);
        props.putAll(topology.errorHandling());
        driver = new TopologyTestDriver(topology.build(), props, START);

        // what the order API / Debezium and the command endpoint write: Avro, one subject per record type
        writer = new KafkaAvroSerializer(registry, Map.of(AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY_CONFIG,
                AvroSerdeConfig.CONFLUENT_RECORD_NAME_STRATEGY), false);
        Deserializer<Object> reader = new KafkaAvroDeserializer(registry,
                Map.of(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true), false);
        DeliveryTopics topics = settings.topics();
        orderEvents = driver.createInputTopic(topics.orderEvents(), new ByteArraySerializer(), new ByteArraySerializer());
        commands = driver.createInputTopic(topics.commands(), new ByteArraySerializer(), new ByteArraySerializer());
        status = driver.createOutputTopic(topics.status(), new StringDeserializer(), reader);
        results = driver.createOutputTopic(topics.commandResults(), new StringDeserializer(), reader);
        events = driver.createOutputTopic(topics.deliveryEvents(), new StringDeserializer(), reader);
        deadLetters = driver.createOutputTopic(topics.deadLetters(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    /** An order event as Debezium's outbox router publishes it: key order id, Avro value, id/eventType headers. */
    void orderEvent(SpecificRecord event) {
        String orderId = String.valueOf(event.get(event.getSchema().getField("orderId").pos()));
        String eventId = EventIds.of(event).toString();
        RecordHeaders headers = new RecordHeaders();
        headers.add("id", eventId.getBytes(StandardCharsets.UTF_8));
        headers.add("eventType", event.getSchema().getName().getBytes(StandardCharsets.UTF_8));
        headers.add("traceparent", TRACEPARENT.getBytes(StandardCharsets.UTF_8));
        rawOrderEvent(orderId.getBytes(StandardCharsets.UTF_8), writer.serialize("order.events", event), headers);
    }

    void rawOrderEvent(byte[] key, byte[] value, RecordHeaders headers) {
        orderEvents.pipeInput(new TestRecord<>(key, value, headers, START));
    }

    void command(DeliveryCommand command) {
        rawCommand(command.getOrderId().toString().getBytes(StandardCharsets.UTF_8),
                writer.serialize("delivery.commands", command));
    }

    void rawCommand(byte[] key, byte[] value) {
        commands.pipeInput(new TestRecord<>(key, value, new RecordHeaders(), START));
    }

    DeliveryView view(Object orderId) {
        KeyValueStore<String, DeliveryView> store = driver.getKeyValueStore(DeliveryTopology.DELIVERIES_STORE);
        return store.get(orderId.toString());
    }

    /** The entries of the order's history that its view no longer holds, oldest first. */
    List<StatusTransition> history(Object orderId) {
        KeyValueStore<String, StatusTransition> store = driver.getKeyValueStore(DeliveryTopology.HISTORY_STORE);
        List<StatusTransition> entries = new java.util.ArrayList<>();
        try (var range = store.prefixScan(orderId + "/", new org.apache.kafka.common.serialization.StringSerializer())) {
            range.forEachRemaining(entry -> entries.add(entry.value));
        }
        return entries;
    }

    KeyValueStore<String, Long> statusIndex() {
        return driver.getKeyValueStore(DeliveryTopology.STATUS_INDEX_STORE);
    }

    KeyValueStore<String, PendingOrderEvent> pending() {
        return driver.getKeyValueStore(DeliveryTopology.PENDING_ORDER_EVENTS_STORE);
    }

    List<TestRecord<String, Object>> status() {
        return status.readRecordsToList();
    }

    List<TestRecord<String, Object>> results() {
        return results.readRecordsToList();
    }

    List<TestRecord<String, Object>> events() {
        return events.readRecordsToList();
    }

    List<TestRecord<byte[], byte[]>> deadLetters() {
        return deadLetters.readRecordsToList();
    }

    /**
     * Fills this driver's stores with what {@code other}'s hold, as the instance a task moves to restores them from
     * their changelogs: same keys, values and (window stores) timestamps, whatever this instance's clock says.
     */
    void restoreStoresFrom(TopologyHarness other) {
        for (String store : List.of(DeliveryTopology.DELIVERIES_STORE, DeliveryTopology.PENDING_ORDER_EVENTS_STORE,
                DeliveryTopology.STATUS_INDEX_STORE)) {
            KeyValueStore<Object, Object> into = driver.getKeyValueStore(store);
            try (KeyValueIterator<Object, Object> all = other.driver.getKeyValueStore(store).all()) {
                all.forEachRemaining(entry -> into.put(entry.key, entry.value));
            }
        }
        for (String store : List.of(DeliveryTopology.ORDER_EVENT_IDS_STORE, DeliveryTopology.COMMAND_DECISIONS_STORE)) {
            WindowStore<Object, Object> into = driver.getWindowStore(store);
            try (KeyValueIterator<Windowed<Object>, Object> all = other.driver.getWindowStore(store).all()) {
                all.forEachRemaining(entry -> into.put(entry.key.key(), entry.value, entry.key.window().start()));
            }
        }
    }

    /** The keys a window store holds, in its order. */
    List<Object> windowStoreKeys(String store) {
        List<Object> keys = new java.util.ArrayList<>();
        try (KeyValueIterator<Windowed<Object>, Object> all = driver.getWindowStore(store).all()) {
            all.forEachRemaining(entry -> keys.add(entry.key.key()));
        }
        return keys;
    }

    void advanceWallClock(Duration duration) {
        driver.advanceWallClockTime(duration);
    }

    double count(String meter, String... tags) {
        Counter counter = meters.find(meter).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Override
    public void close() {
        driver.close();
        try (var files = Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // best effort
        }
    }
}
