package dev.outbox.delivery.delivery;

import dev.outbox.delivery.dedup.DeduplicateByEventId;
import dev.outbox.delivery.dedup.SeenEventIds;
import dev.outbox.delivery.delivery.DeliveryInput.CommandReceived;
import dev.outbox.delivery.delivery.DeliveryInput.OrderEventReceived;
import dev.outbox.delivery.dlq.DecodeOrDeadLetter;
import dev.outbox.delivery.dlq.OriginalRecord;
import dev.outbox.delivery.metrics.DeliveryMetrics;
import dev.outbox.delivery.trace.TraceContext;
import dev.outbox.events.delivery.DeliveryCommand;
import dev.outbox.events.delivery.DeliveryCommandResult;
import dev.outbox.events.delivery.DeliveryView;
import dev.outbox.serde.AvroSerdeConfig;
import dev.outbox.serde.KafkaAvroDeserializer;
import dev.outbox.serde.KafkaAvroSerializer;
import dev.outbox.serde.SchemaRegistryClient;
import dev.outbox.serde.SpecificAvroSerde;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The delivery projection's Kafka Streams topology, in one place:
 *
 * <pre>
 *  order.events ──────▶ decode-order-events ──▶ deduplicate-order-events ──┐
 *                         │                      [order-event-ids]          ▼
 *  delivery.commands ─▶ decode-delivery-commands ─────────────────────▶ deliveries ──▶ delivery.events
 *                         │                                             [deliveries]  ─▶ delivery.status
 *                         │                                   [deliveries-by-status]
 *                         │                                   [pending-order-events]  ─▶ delivery.command-results
 *                         │                             [delivery-command-decisions]
 *                         ▼                                                  │
 *                    delivery.dlq ◀──────────────────────────────────────────┘ (held-back events that never apply)
 * </pre>
 *
 * <p>Undecodable records, and records whose processing throws, go from the decode steps to {@code delivery.dlq}.
 *
 * <p>The Processor API rather than the DSL, because the shape is one stateful decision with several outputs: a
 * decode step that either forwards or dead-letters, and one processor owning the store that both inputs feed (see
 * {@link DeliveryProcessor} for why that is the join). Everything sits in a single sub-topology, so Streams checks
 * that the two input topics have the same number of partitions and runs each partition pair in one task.
 */
public final class DeliveryTopology {

    public static final String DELIVERIES_STORE = "deliveries";
    public static final String PENDING_ORDER_EVENTS_STORE = "pending-order-events";
    public static final String ORDER_EVENT_IDS_STORE = "order-event-ids";
    public static final String COMMAND_DECISIONS_STORE = "delivery-command-decisions";
    /** The deliveries by status, for pages of one status and counts (see {@link StatusIndex}). */
    public static final String STATUS_INDEX_STORE = "deliveries-by-status";

    static final String ORDER_EVENTS_SOURCE = "order-events";
    static final String COMMANDS_SOURCE = "delivery-commands";
    static final String DECODE_ORDER_EVENTS = "decode-order-events";
    static final String DECODE_COMMANDS = "decode-delivery-commands";
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
     */
    public record Settings(DeliveryTopics topics, Duration dedupRetention, Duration gapTimeout,
                           Duration gapCheckInterval, int maxFailedAttempts, Duration commandRetention) {

        public static Settings defaults() {
            return new Settings(DeliveryTopics.defaults(), Duration.ofDays(7), Duration.ofSeconds(30),
                    Duration.ofSeconds(1), 3, Duration.ofHours(24));
        }
    }

    private final Settings settings;
    private final SchemaRegistryClient registry;
    private final DeliveryMetrics metrics;

    private final Delivery delivery;

    public DeliveryTopology(Settings settings, SchemaRegistryClient registry, DeliveryMetrics metrics) {
        this(settings, registry, metrics, new Delivery(settings.maxFailedAttempts()));
    }

    /** With another decider (tests). */
    DeliveryTopology(Settings settings, SchemaRegistryClient registry, DeliveryMetrics metrics, Delivery delivery) {
        this.settings = settings;
        this.registry = registry;
        this.metrics = metrics;
        this.delivery = delivery;
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
        DeliveryProcessor.Outputs outputs = new DeliveryProcessor.Outputs(EVENTS_SINK, STATUS_SINK, RESULTS_SINK,
                DEAD_LETTER_SINK);

        // 1. sources read raw bytes; decoding happens in the topology, so a bad record can be dead-lettered
        topology.addSource(ORDER_EVENTS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                topics.orderEvents());
        topology.addSource(COMMANDS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                topics.commands());

        topology.addProcessor(DECODE_ORDER_EVENTS, () -> new DecodeOrDeadLetter<>(avroDeserializer,
                DeliveryTopology::orderEvent, DEDUPLICATE, DEAD_LETTER_SINK, metrics), ORDER_EVENTS_SOURCE);
        topology.addProcessor(DECODE_COMMANDS, () -> new DecodeOrDeadLetter<>(avroDeserializer,
                DeliveryTopology::command, DELIVERIES, DEAD_LETTER_SINK, metrics), COMMANDS_SOURCE);

        // 2. drop order events already seen (Debezium is at-least-once)
        topology.addProcessor(DEDUPLICATE, () -> new DeduplicateByEventId<String, OrderEventReceived>(
                ORDER_EVENT_IDS_STORE, settings.dedupRetention(), e -> e.event().eventId().toString(), metrics),
                DECODE_ORDER_EVENTS);
        topology.addStateStore(Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(ORDER_EVENT_IDS_STORE, settings.dedupRetention(),
                                settings.dedupRetention(), false),
                        Serdes.String(), Serdes.Long())
                .withCachingDisabled(), DEDUPLICATE);

        // 3. one processor owns the deliveries: order events and commands of an order, one at a time
        topology.addProcessor(DELIVERIES, () -> new DeliveryProcessor(delivery, DELIVERIES_STORE,
                PENDING_ORDER_EVENTS_STORE, settings.gapTimeout(), settings.gapCheckInterval(), avroDeserializer,
                new SeenEventIds(ORDER_EVENT_IDS_STORE, settings.dedupRetention()),
                new DecidedCommands(COMMAND_DECISIONS_STORE, settings.commandRetention(), resultSerde),
                new StatusIndex(STATUS_INDEX_STORE), outputs, metrics), DEDUPLICATE, DECODE_COMMANDS);
        // the deliveries processor forgets the ids of held-back events it dead-letters, so they can be replayed
        topology.connectProcessorAndStateStores(DELIVERIES, ORDER_EVENT_IDS_STORE);
        // caching off: interactive queries and the next record see each write at once (no cache to flush)
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DELIVERIES_STORE),
                Serdes.String(), viewSerde).withCachingDisabled(), DELIVERIES);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING_ORDER_EVENTS_STORE),
                Serdes.String(), new PendingOrderEvent.StoreSerde()).withCachingDisabled(), DELIVERIES);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATUS_INDEX_STORE),
                Serdes.String(), Serdes.Long()).withCachingDisabled(), DELIVERIES);
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
                DECODE_ORDER_EVENTS, DECODE_COMMANDS, DELIVERIES);
    }

    private static OrderEventReceived orderEvent(String key, Object payload, OriginalRecord original) {
        OrderEvent event = OrderEvent.of(payload);
        requireKeyIsOrderId(key, event.orderId().toString(), event.type());
        return new OrderEventReceived(event, TraceContext.fromHeaders(original.headers()), original);
    }

    private static CommandReceived command(String key, Object payload, OriginalRecord original) {
        if (!(payload instanceof DeliveryCommand command)) {
            throw new IllegalArgumentException("not a DeliveryCommand: "
                    + (payload == null ? "null" : payload.getClass().getName()));
        }
        requireKeyIsOrderId(key, command.getOrderId().toString(), "DeliveryCommand");
        TraceContext trace = TraceContext.of(command.getTraceparent());
        return new CommandReceived(command, trace.isPresent() ? trace : TraceContext.fromHeaders(original.headers()));
    }

    /** A record keyed by something else than its order id would land in the wrong partition: poison. */
    private static void requireKeyIsOrderId(String key, String orderId, String type) {
        if (!orderId.equals(key)) {
            throw new IllegalArgumentException(type + " of order " + orderId + " has key '" + key
                    + "'; the key must be the order id");
        }
    }
}
