package dev.outbox.bench.faults;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The truth after a fault, read from each end of the pipeline: the orders in the database (JDBC), every view in the
 * projection (paging through {@code GET /deliveries}, which gathers every instance's stores), the event ids on
 * {@code order.events} (read from the start, {@code read_committed}) and the records in the dead-letter topic.
 */
final class Ledger {

    /** One view of the projection, as far as the checks need it. */
    record View(String status, List<String> eventIds) {
        /** The history holds some event id more than once: an event was applied twice. */
        boolean appliedTwice() {
            return new HashSet<>(eventIds).size() < eventIds.size();
        }
    }

    /** What was read at one moment. */
    record Snapshot(Set<String> databaseOrders, Map<String, View> views, long orderEventRecords,
                    long distinctOrderEvents, long deadLetters) {
        long duplicateOrderEvents() {
            return orderEventRecords - distinctOrderEvents;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String jdbcUrl;
    private final String dbUser;
    private final String dbPassword;
    private final String deliveryUrl;
    private final String bootstrap;
    private final String ordersTopic;
    private final String deadLetterTopic;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Ledger(String jdbcUrl, String dbUser, String dbPassword, String deliveryUrl, String bootstrap, String ordersTopic,
           String deadLetterTopic) {
        this.jdbcUrl = jdbcUrl;
        this.dbUser = dbUser;
        this.dbPassword = dbPassword;
        this.deliveryUrl = deliveryUrl;
        this.bootstrap = bootstrap;
        this.ordersTopic = ordersTopic;
        this.deadLetterTopic = deadLetterTopic;
    }

    Snapshot read() throws Exception {
        Set<String> orders = databaseOrders();
        Map<String, View> views = views();
        long[] events = orderEvents();
        return new Snapshot(orders, views, events[0], events[1], records(deadLetterTopic));
    }

    private Set<String> databaseOrders() throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM customer_order")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    /** Every view, page by page; a page that fails (a part still moving) is asked again. */
    private Map<String, View> views() throws Exception {
        Map<String, View> views = new HashMap<>();
        String after = null;
        do {
            String url = deliveryUrl + "/deliveries?limit=500"
                    + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
            JsonNode page = getJson(url);
            for (JsonNode item : page.get("items")) {
                List<String> ids = new java.util.ArrayList<>();
                item.get("history").forEach(t -> ids.add(t.get("eventId").asString()));
                views.put(item.get("orderId").asString(), new View(item.get("status").asString(), ids));
            }
            after = page.hasNonNull("next") ? page.get("next").asString() : null;
        } while (after != null);
        return views;
    }

    private JsonNode getJson(String url) throws Exception {
        Exception last = null;
        for (int attempt = 0; attempt < 60; attempt++) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return JSON.readTree(response.body());
                }
                last = new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
            } catch (java.io.IOException e) {
                last = e;
            }
            Thread.sleep(1000);
        }
        throw last;
    }

    /** Records on order.events and distinct event ids among them (the {@code id} header EventRouter sets). */
    private long[] orderEvents() {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, ordersTopic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Set<String> ids = new HashSet<>();
            long records = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + ordersTopic + " to its end within 2 minutes");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    Header id = record.headers().lastHeader("id");
                    ids.add(id == null ? "no-id@" + record.partition() + "/" + record.offset()
                            : new String(id.value(), StandardCharsets.UTF_8));
                }
            }
            return new long[]{records, ids.size()};
        }
    }

    /** Committed records in a topic, counted by reading it: its end offsets would count transaction markers too. */
    private long records(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            if (partitions.isEmpty()) {
                return 0;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long records = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))
                    && System.nanoTime() < deadline) {
                records += consumer.poll(Duration.ofMillis(200)).count();
            }
            return records;
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        return infos == null ? List.of() : infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
                ConsumerConfig.CLIENT_ID_CONFIG, "faults-ledger"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
