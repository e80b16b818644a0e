package dev.outbox.delivery.projection;

import dev.outbox.delivery.platform.DeliveryProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * The partition counts of the delivery topics, checked before Kafka Streams starts; the topics that are missing are
 * created. One owner per topic (design.md, "Lifecycle"): the count decides which partition, so which task and which
 * stores, hold an order, so a topic's count is set once by the part that owns it, and delivery-streams never changes
 * the count of a topic that exists.
 *
 * <ul>
 *   <li>The topics it reads, {@code order.events} (the order side's: the outbox connector creates it with
 *       {@code topic.creation.default.partitions}) and {@code delivery.commands} (its own, but read together with
 *       the order events, partition by partition), must have {@code delivery.topics.partitions} partitions: with
 *       another count the application refuses to start. Adding partitions to them would send the later events and
 *       commands of existing orders to partitions that hold no view, no dedup ids and no command ids for them.</li>
 *   <li>The topics it only writes ({@code delivery.events}, {@code delivery.status}, {@code delivery.command-results},
 *       {@code delivery.dlq}) are keyed by order id but nothing here reads them together with another topic: another
 *       count is logged as a warning and left as it is.</li>
 *   <li>A missing topic is created with {@code delivery.topics.partitions} partitions, the one change allowed: on a
 *       first start before the first order has reached Connect, {@code order.events} does not exist yet, and the
 *       broker does not create topics on its own.</li>
 * </ul>
 *
 * <p>It runs in a lifecycle phase below {@link KafkaStreamsConfig#STREAMS_PHASE}, so before Streams and the outputs
 * feed start; a refusal fails the application context, so nothing has read or written a record. The topics are not
 * declared as Spring {@code NewTopic} beans: Spring's {@code KafkaAdmin} would add partitions to any of them that has
 * fewer than declared.
 */
@Component
public class TopicPartitionCheck implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TopicPartitionCheck.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Map<String, Object> adminConfig;
    private final Duration timeout;
    private final DeliveryTopics topics;
    private final int partitions;
    private final short replicationFactor;
    private volatile boolean running;

    @Autowired
    public TopicPartitionCheck(KafkaAdmin kafkaAdmin, DeliveryProperties properties) {
        // Boot's admin settings (bootstrap servers, security, spring.kafka.admin.*), so the check reaches the broker
        // as every other client of the app does
        this(withClientId(kafkaAdmin.getConfigurationProperties()),
                Duration.ofSeconds(kafkaAdmin.getOperationTimeout()), DeliveryTopics.of(properties.topics()),
                properties.topics().partitions(), properties.topics().replicationFactor());
    }

    TopicPartitionCheck(Map<String, Object> adminConfig, Duration timeout, DeliveryTopics topics, int partitions,
                        short replicationFactor) {
        this.adminConfig = adminConfig;
        this.timeout = timeout;
        this.topics = topics;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    private static Map<String, Object> withClientId(Map<String, Object> config) {
        Map<String, Object> withId = new HashMap<>(config);
        withId.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "delivery-topic-check");
        return withId;
    }

    @Override
    public void start() {
        Admin admin = Admin.create(adminConfig);
        try {
            check(admin);
        } finally {
            // bounded: after a timeout the calls still pending would otherwise hold close() for their own timeout
            admin.close(CLOSE_TIMEOUT);
        }
        running = true;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before Kafka Streams (and the outputs feed, in the same phase as Streams). */
    @Override
    public int getPhase() {
        return KafkaStreamsConfig.STREAMS_PHASE - 1;
    }

    /**
     * Describes every topic, refuses before creating anything when a topic read has another count, then creates the
     * missing ones. A topic that someone else (Connect, another instance) creates in between is checked again.
     */
    void check(Admin admin) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Verdict verdict = Verdict.of(topics, partitions, describe(admin, deadline));
        verdict.enforce();
        if (verdict.missing().isEmpty()) {
            return;
        }
        List<String> createdMeanwhile = create(admin, verdict.missing(), deadline);
        if (!createdMeanwhile.isEmpty()) {
            Verdict again = Verdict.of(topics, partitions, describe(admin, deadline));
            again.enforce();
            if (!again.missing().isEmpty()) {
                throw new IllegalStateException("Topics " + again.missing() + " were created and are missing again");
            }
        }
    }

    /** The partition count of each delivery topic that exists. */
    private Map<String, Integer> describe(Admin admin, long deadline) {
        Map<String, KafkaFuture<TopicDescription>> described =
                admin.describeTopics(all(topics)).topicNameValues();
        Map<String, Integer> found = new HashMap<>();
        for (Map.Entry<String, KafkaFuture<TopicDescription>> topic : described.entrySet()) {
            try {
                found.put(topic.getKey(), await(topic.getValue(), deadline).partitions().size());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("Could not describe topic " + topic.getKey() + ": " + e.getCause(),
                            e.getCause());
                }
            }
        }
        return found;
    }

    /** Creates the topics; returns those that someone else created first. */
    private List<String> create(Admin admin, List<String> missing, long deadline) {
        List<NewTopic> newTopics = missing.stream()
                .map(name -> new NewTopic(name, partitions, replicationFactor)).toList();
        Map<String, KafkaFuture<Void>> created = admin.createTopics(newTopics).values();
        List<String> createdMeanwhile = new ArrayList<>();
        for (String name : missing) {
            try {
                await(created.get(name), deadline);
                log.info("Created topic {} with {} partitions (delivery.topics.partitions)", name, partitions);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Could not create topic " + name + ": " + e.getCause(),
                            e.getCause());
                }
                createdMeanwhile.add(name);
            }
        }
        return createdMeanwhile;
    }

    private <T> T await(KafkaFuture<T> future, long deadline) throws ExecutionException {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka (" + adminConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
                    + ") did not answer within " + timeout.toSeconds()
                    + " s (spring.kafka.admin.operation-timeout) while the delivery topics were checked", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while the delivery topics were checked", e);
        }
    }

    /** The topics read: their counts must be the one expected. */
    static List<String> read(DeliveryTopics topics) {
        return List.of(topics.orderEvents(), topics.commands());
    }

    /** The topics only written: another count is a warning. */
    static List<String> written(DeliveryTopics topics) {
        return List.of(topics.deliveryEvents(), topics.status(), topics.commandResults(), topics.deadLetters());
    }

    static List<String> all(DeliveryTopics topics) {
        List<String> all = new ArrayList<>(read(topics));
        all.addAll(written(topics));
        return all;
    }

    /**
     * What the counts found call for: the topics to create, the warnings, and whether to refuse. Decided apart from
     * the broker, so that the rules can be tested on their own.
     *
     * @param missing  the topics that do not exist
     * @param refusal  why the application must not start, with what to do; null when it may
     * @param warnings one sentence for each topic written whose count is not the one expected
     */
    record Verdict(List<String> missing, String refusal, List<String> warnings) {

        static Verdict of(DeliveryTopics topics, int expected, Map<String, Integer> found) {
            List<String> missing = new ArrayList<>();
            List<String> mismatches = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            for (String topic : all(topics)) {
                Integer count = found.get(topic);
                if (count == null) {
                    missing.add(topic);
                } else if (count != expected) {
                    String mismatch = topic + " has " + count + " partitions, " + expected
                            + " expected (delivery.topics.partitions)";
                    (read(topics).contains(topic) ? mismatches : warnings).add(mismatch);
                }
            }
            String refusal = mismatches.isEmpty() ? null : "Refusing to start: " + String.join("; ", mismatches)
                    + ". delivery-streams never changes the partition count of a topic it reads: another count"
                    + " sends the later records of existing orders to partitions that hold no state for them. "
                    + action(topics, expected, found);
            return new Verdict(List.copyOf(missing), refusal, List.copyOf(warnings));
        }

        /** The order events' count wins: they are the order side's, the commands follow them. */
        private static String action(DeliveryTopics topics, int expected, Map<String, Integer> found) {
            Integer orderEvents = found.get(topics.orderEvents());
            int wanted = orderEvents != null ? orderEvents : found.get(topics.commands());
            if (wanted != expected) {
                return "Set delivery.topics.partitions=" + wanted + " to match, or migrate to new topics: see README"
                        + " 'Scaling partitions'.";
            }
            return topics.commands() + " must have as many partitions as " + topics.orderEvents() + " (" + wanted
                    + "), as the two are read together, partition by partition: move the commands to a new topic"
                    + " (delivery.topics.commands) with " + wanted + " partitions: see README 'Scaling partitions'.";
        }

        /** Logs the warnings; throws when a topic read has another count. */
        void enforce() {
            warnings.forEach(warning -> log.warn("{}: it is only written here, so it is left as it is", warning));
            if (refusal != null) {
                throw new IllegalStateException(refusal);
            }
        }
    }
}
