package dev.outbox.delivery.projection;

import dev.outbox.delivery.deadletter.DeadLetterHandler;
import dev.outbox.delivery.deadletter.DeadLetterMetrics;
import dev.outbox.delivery.platform.DeliveryProperties;
import dev.outbox.delivery.projection.DeliveryInput.CommandReceived;
import dev.outbox.delivery.projection.DeliveryInput.OrderEventReceived;
import dev.outbox.delivery.rules.Delivery;
import dev.outbox.events.delivery.DeliveryCommandResult;
import dev.outbox.events.delivery.DeliveryView;
import dev.outbox.events.delivery.StatusTransition;
import dev.outbox.serde.AvroSerdeConfig;
import dev.outbox.serde.KafkaAvroDeserializer;
import dev.outbox.serde.KafkaAvroSerializer;
import dev.outbox.serde.SchemaRegistryClient;
import dev.outbox.serde.SpecificAvroSerde;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The delivery projection's Kafka Streams topology, in one place:
 *
 * <pre>
 *  order.events ──────▶ deduplicate-order-events ──┐
 *                         [order-event-ids]          ▼
 *  delivery.commands ─────────────────────────▶ deliveries ──▶ delivery.events
 *                                               [deliveries]  ─▶ delivery.status
 *                                     [deliveries-by-status]  ─▶ delivery.command-results
 *                                     [pending-order-events]
 *                                         [delivery-history]
 *                               [delivery-command-decisions]
 *                                                    │
 *                    delivery.dlq ◀──────────────────┘ (held-back events that never apply)
 * </pre>
 *
 * <p>The sources decode (see {@link DeliveryInput}). A record that cannot be decoded, or whose processing throws, goes
 * to {@code delivery.dlq} through Kafka Streams' own dead-letter queue, configured by {@link #errorHandling} (see
 * {@link DeadLetterHandler}); the deliveries processor dead-letters only the held-back events, which are not the
 * record being processed when they fail.
 *
 * <p>The Processor API rather than the DSL, because the shape is one stateful decision with several outputs: one
 * processor owning the store that both inputs feed (see
 * {@link DeliveryProcessor} for why that is the join). Everything sits in a single sub-topology, so Streams runs each
 * partition pair of the two inputs in one task; that the two have the same number of partitions is checked before
 * Streams starts ({@link TopicPartitionCheck}: the Processor API declares no co-partitioning for Streams to check).
 */
public final class DeliveryTopology {

    public static final String DELIVERIES_STORE = "deliveries";
    public static final String PENDING_ORDER_EVENTS_STORE = "pending-order-events";
    public static final String ORDER_EVENT_IDS_STORE = "order-event-ids";
    public static final String COMMAND_DECISIONS_STORE = "delivery-command-decisions";
    /** The deliveries by status, for pages of one status and counts (see {@link StatusIndex}). */
    public static final String STATUS_INDEX_STORE = "deliveries-by-status";
    /** History entries the stored views no longer hold (see {@link DeliveryHistory}). */
    public static final String HISTORY_STORE = "delivery-history";

    static final String ORDER_EVENTS_SOURCE = "order-events";
    static final String COMMANDS_SOURCE = "delivery-commands";
    static final String DEDUPLICATE = "deduplicate-order-events";
    static final String DELIVERIES = "deliveries";
    static final String EVENTS_SINK = "delivery-events-sink";
    static final String STATUS_SINK = "delivery-status-sink";
    static final String RESULTS_SINK = "command-results-sink";
    static final String DEAD_LETTER_SINK = "dead-letter-sink";

    /**
     * @param dedupRetention    how long an event id is remembered
     * @param gapTimeout        how long a held-back order event waits for the missing earlier ones
     * @param gapCheckInterval  how often (wall clock) held-back events are checked against the gap timeout
     * @param maxFailedAttempts failed delivery attempts after which a delivery is FAILED
     * @param commandRetention  how long a decided command id is remembered, so that a retry of the command (same
     *                          Idempotency-Key) is answered with its first result instead of being decided again
     * @param maxChanges        history entries after which a delivery refuses commands that would add one
     * @param historyInView     the latest history entries a stored view holds
     */
    public record Settings(DeliveryTopics topics, Duration dedupRetention, Duration gapTimeout,
                           Duration gapCheckInterval, int maxFailedAttempts, Duration commandRetention,
                           int maxChanges, int historyInView) {

        /** The settings configured under {@code delivery.*}. */
        public static Settings of(DeliveryProperties properties) {
            return new Settings(DeliveryTopics.of(properties.topics()), properties.dedup().retention(),
                    properties.orderEvents().gapTimeout(), properties.orderEvents().gapCheckInterval(),
                    properties.maxFailedAttempts(), properties.command().idempotencyRetention(),
                    properties.maxChanges(), properties.view().historyEntries());
        }

        public static Settings defaults() {
            return new Settings(DeliveryTopics.defaults(), Duration.ofDays(7), Duration.ofSeconds(30),
                    Duration.ofSeconds(1), 3, Duration.ofHours(24), Delivery.DEFAULT_MAX_CHANGES, 20);
        }
    }

    private final Settings settings;
    private final SchemaRegistryClient registry;
    private final DeliveryMetrics metrics;
    private final DeadLetterMetrics deadLetterMetrics;

    private final Delivery delivery;

    public DeliveryTopology(Settings settings, SchemaRegistryClient registry, DeliveryMetrics metrics) {
        this(settings, registry, metrics, new Delivery(settings.maxFailedAttempts(), settings.maxChanges()));
    }

    /** With another decider (tests). */
    DeliveryTopology(Settings settings, SchemaRegistryClient registry, DeliveryMetrics metrics, Delivery delivery) {
        this.settings = settings;
        this.registry = registry;
        this.metrics = metrics;
        this.deadLetterMetrics = new DeadLetterMetrics(metrics.registry());
        this.delivery = delivery;
    }

    /**
     * The Streams settings the topology needs besides the application's: the dead-letter queue on the dead-letter
     * topic, with {@link DeadLetterHandler} as the deserialization and processing exception handler.
     */
    public Map<String, Object> errorHandling() {
        return DeadLetterHandler.config(settings.topics().deadLetters(), deadLetterMetrics);
    }

    public Topology build() {
        Topology topology = new Topology();
        addTo(topology);
        return topology;
    }

    /** Adds the nodes and stores to the given (e.g. Spring's, otherwise empty) topology. */
    public void addTo(Topology topology) {
        DeliveryTopics topics = settings.topics();
        // Avro in the Confluent wire format; every type has its own subject (RecordNameStrategy), as several event
        // types share a topic. Serializer, deserializer and serdes are thread-safe and shared by all tasks.
        Map<String, Object> avroConfig = Map.of(
                AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true,
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG, true,
                AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY_CONFIG, AvroSerdeConfig.CONFLUENT_RECORD_NAME_STRATEGY);
        KafkaAvroDeserializer avroDeserializer = new KafkaAvroDeserializer(registry, avroConfig, false);
        KafkaAvroSerializer avroSerializer = new KafkaAvroSerializer(registry, avroConfig, false);
        SpecificAvroSerde<DeliveryView> viewSerde = new SpecificAvroSerde<>(registry);
        viewSerde.configure(avroConfig, false);
        SpecificAvroSerde<DeliveryCommandResult> resultSerde = new SpecificAvroSerde<>(registry);
        resultSerde.configure(avroConfig, false);
        SpecificAvroSerde<StatusTransition> historySerde = new SpecificAvroSerde<>(registry);
        historySerde.configure(avroConfig, false);
        DeliveryProcessor.Outputs outputs = new DeliveryProcessor.Outputs(EVENTS_SINK, STATUS_SINK, RESULTS_SINK,
                DEAD_LETTER_SINK);

        // 1. the sources decode; what does not decode goes to Streams' dead-letter queue (see errorHandling())
        topology.addSource(ORDER_EVENTS_SOURCE, new StringDeserializer(), DeliveryInput.orderEvents(avroDeserializer),
                topics.orderEvents());
        topology.addSource(COMMANDS_SOURCE, new StringDeserializer(), DeliveryInput.commands(avroDeserializer),
                topics.commands());

        // 2. drop order events already seen (Debezium is at-least-once)
        topology.addProcessor(DEDUPLICATE, () -> new DeduplicateByEventId<String, OrderEventReceived>(
                ORDER_EVENT_IDS_STORE, settings.dedupRetention(), e -> e.event().eventId().toString(), metrics),
                ORDER_EVENTS_SOURCE);
        topology.addStateStore(Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(ORDER_EVENT_IDS_STORE, settings.dedupRetention(),
                                settings.dedupRetention(), false),
                        Serdes.String(), Serdes.Long())
                .withCachingDisabled(), DEDUPLICATE);

        // 3. one processor owns the deliveries: order events and commands of an order, one at a time
        topology.addProcessor(DELIVERIES, () -> deliveriesProcessor(avroDeserializer, resultSerde, outputs),
                DEDUPLICATE, COMMANDS_SOURCE);
        // the deliveries processor forgets the ids of events it fails on or dead-letters, so they can be replayed
        topology.connectProcessorAndStateStores(DELIVERIES, ORDER_EVENT_IDS_STORE);
        // caching off: interactive queries and the next record see each write at once (no cache to flush)
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DELIVERIES_STORE),
                Serdes.String(), viewSerde).withCachingDisabled(), DELIVERIES);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING_ORDER_EVENTS_STORE),
                Serdes.String(), new PendingOrderEvent.StoreSerde()).withCachingDisabled(), DELIVERIES);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATUS_INDEX_STORE),
                Serdes.String(), Serdes.Long()).withCachingDisabled(), DELIVERIES);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HISTORY_STORE),
                Serdes.String(), historySerde).withCachingDisabled(), DELIVERIES);
        // decided command ids with their results: a retried command is answered, not decided again
        topology.addStateStore(Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(COMMAND_DECISIONS_STORE, settings.commandRetention(),
                                settings.commandRetention(), false),
                        Serdes.String(), Serdes.ByteArray())
                .withCachingDisabled(), DELIVERIES);

        // 4. outputs, keyed by order id (so partitioned like the inputs)
        StringSerializer keys = new StringSerializer();
        topology.addSink(EVENTS_SINK, topics.deliveryEvents(), keys, avroSerializer, DELIVERIES);
        topology.addSink(STATUS_SINK, topics.status(), keys, avroSerializer, DELIVERIES);
        topology.addSink(RESULTS_SINK, topics.commandResults(), keys, avroSerializer, DELIVERIES);
        topology.addSink(DEAD_LETTER_SINK, topics.deadLetters(), new ByteArraySerializer(), new ByteArraySerializer(),
                DELIVERIES);
    }

    /** The deliveries processor of one task, with its parts, each on the stores named above. */
    private DeliveryProcessor deliveriesProcessor(Deserializer<Object> orderEvents,
                                                  Serde<DeliveryCommandResult> results,
                                                  DeliveryProcessor.Outputs outputs) {
        SeenEventIds seenEventIds = new SeenEventIds(ORDER_EVENT_IDS_STORE, settings.dedupRetention());
        DecisionWriter writer = new DecisionWriter(new StatusIndex(STATUS_INDEX_STORE),
                new DeliveryHistory(HISTORY_STORE, settings.historyInView()), outputs);
        HeldBackEvents heldBack = new HeldBackEvents(PENDING_ORDER_EVENTS_STORE, settings.gapTimeout(),
                settings.gapCheckInterval(), orderEvents, delivery, writer,
                new HeldBackDeadLetters(seenEventIds, outputs.deadLetters(), deadLetterMetrics), metrics);
        IdempotentCommands commands = new IdempotentCommands(delivery,
                new DecidedCommands(COMMAND_DECISIONS_STORE, settings.commandRetention(), results), writer, metrics);
        return new DeliveryProcessor(delivery, DELIVERIES_STORE, seenEventIds, writer, heldBack, commands, metrics);
    }
}
