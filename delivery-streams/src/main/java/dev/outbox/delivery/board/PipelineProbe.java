package dev.outbox.delivery.board;

import dev.outbox.delivery.platform.DeliveryProperties;
import dev.outbox.delivery.platform.Instance;
import dev.outbox.delivery.feed.DeliveryOutputsFeed;
import dev.outbox.delivery.feed.FeedStatus;
import dev.outbox.delivery.projection.KafkaStreamsState;
import dev.outbox.delivery.projection.DeliveryMetrics;
import dev.outbox.delivery.feed.StatusChanges;
import dev.outbox.events.delivery.StatusTransition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Gathers, every {@code board.refresh-interval} on its own thread, what the board shows of the pipeline: each part's
 * state (order API, registry, Connect and the connector's tasks, the broker, Kafka Streams), the projection's
 * consumer lag on the order events, the records in the dead-letter topic, the duplicates dropped, and the end-to-end
 * latency histogram (order accepted, by the event's own time, → its first status change seen on
 * {@code delivery.status} by this instance).
 *
 * <p>Nothing here is on a request's path: an open board gets the last snapshot, however slow a part is to answer.
 */
@Component
public class PipelineProbe implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PipelineProbe.class);

    public enum State { UP, DEGRADED, DOWN }

    /** One part of the pipeline as the board shows it. */
    public record Part(String id, String name, State state, String detail) {
    }

    /**
     * @param consumerLag   records of the order events the projection has not consumed yet (all partitions), or null
     *                      when the broker cannot say
     * @param deadLetters   records in the dead-letter topic, or null while they cannot be counted
     * @param duplicates    order events dropped as duplicates, by this instance since it started
     */
    public record Snapshot(Instant at, String instance, List<Part> parts, Long consumerLag, Long deadLetters,
                           long duplicates, LatencyHistogram.Snapshot latency) {
    }

    private final BoardProperties board;
    private final DeliveryProperties delivery;
    private final KafkaProperties kafka;
    private final String applicationId;
    private final String registryUrl;
    private final String registryUserInfo;
    private final KafkaStreamsState streamsState;
    private final DeliveryOutputsFeed feed;
    private final StatusChanges statusChanges;
    private final MeterRegistry meters;
    private final JsonMapper json;
    private final Instance self;
    private final LatencyHistogram latency;
    private final HttpClient http;

    private volatile Snapshot snapshot;
    private volatile boolean running;
    private ScheduledExecutorService scheduler;
    private Disposable latencies;
    private Admin admin;
    private Consumer<byte[], byte[]> deadLetterReader;
    private long deadLetterCount;

    public PipelineProbe(BoardProperties board, DeliveryProperties delivery, KafkaProperties kafka,
                         @Value("${spring.kafka.streams.application-id}") String applicationId,
                         @Value("${outbox.schema-registry.url}") String registryUrls,
                         @Value("${outbox.schema-registry.user-info:}") String registryUserInfo,
                         KafkaStreamsState streamsState, DeliveryOutputsFeed feed, StatusChanges statusChanges,
                         MeterRegistry meters, JsonMapper json, Instance self) {
        this.board = board;
        this.delivery = delivery;
        this.kafka = kafka;
        this.applicationId = applicationId;
        this.registryUrl = registryUrls.split(",")[0].trim();
        this.registryUserInfo = registryUserInfo;
        this.streamsState = streamsState;
        this.feed = feed;
        this.statusChanges = statusChanges;
        this.meters = meters;
        this.json = json;
        this.self = self;
        this.latency = new LatencyHistogram((int) Math.max(1, board.latencyWindow().toSeconds()));
        this.http = HttpClient.newBuilder().connectTimeout(board.probeTimeout()).build();
        this.snapshot = new Snapshot(Instant.now(), self.id(), List.of(), null, null, 0,
                latency.snapshot(System.currentTimeMillis()));
    }

    /** The last snapshot taken. */
    public Snapshot snapshot() {
        return snapshot;
    }

    @Override
    public synchronized void start() {
        running = true;
        latencies = statusChanges.all().subscribe(change -> {
            StatusTransition t = change.getTransition();
            if (t.getFrom() == null && !t.getRejected()) { // the delivery's first entry: its order was placed
                long now = System.currentTimeMillis();
                latency.record(now - t.getAt().toEpochMilli(), now);
            }
        });
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "board-pipeline-probe");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::refresh, 0, board.refreshInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (latencies != null) {
            latencies.dispose();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeKafkaClients();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    void refresh() {
        try {
            List<Part> parts = new ArrayList<>();
            parts.add(orderApi());
            parts.add(registry());
            parts.add(connect());
            Part broker = broker();
            parts.add(broker);
            parts.add(streams());
            boolean brokerUp = broker.state() == State.UP;
            Long lag = brokerUp ? lag() : null;
            Long deadLetters = brokerUp ? countDeadLetters() : null;
            snapshot = new Snapshot(Instant.now(), self.id(), List.copyOf(parts), lag, deadLetters, duplicates(),
                    latency.snapshot(System.currentTimeMillis()));
        } catch (RuntimeException e) {
            log.warn("Could not gather the pipeline's state: {}", e.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // parts

    private Part orderApi() {
        String url = board.orderApiUrl() + "/actuator/health";
        try {
            HttpResponse<String> response = get(url, null);
            if (response.statusCode() == 200) {
                return new Part("order-api", "Order API", State.UP, "healthy at " + board.orderApiUrl());
            }
            return new Part("order-api", "Order API", State.DOWN, "health check answered HTTP " + response.statusCode()
                    + " (" + statusOf(response.body()) + ")");
        } catch (Exception e) {
            return new Part("order-api", "Order API", State.DOWN, "not reachable at " + board.orderApiUrl()
                    + ": " + describe(e));
        }
    }

    private Part registry() {
        URI uri = URI.create(registryUrl);
        String userInfo = !registryUserInfo.isBlank() ? registryUserInfo : uri.getUserInfo();
        String base = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        try {
            HttpResponse<String> response = get(base + "/subjects", userInfo);
            int status = response.statusCode();
            if (status == 200) {
                return new Part("registry", "Schema registry", State.UP, "answers at " + base);
            }
            if (status == 401 || status == 403) {
                return new Part("registry", "Schema registry", State.DEGRADED, "answers at " + base
                        + " but refuses this app's credentials (HTTP " + status + ")");
            }
            return new Part("registry", "Schema registry", State.DOWN, "answered HTTP " + status);
        } catch (Exception e) {
            return new Part("registry", "Schema registry", State.DOWN, "not reachable at " + base + ": "
                    + describe(e) + ". Events already decoded are shown; new ones wait until it is back");
        }
    }

    private Part connect() {
        String url = board.connectUrl() + "/connectors/" + board.connector() + "/status";
        String name = "Kafka Connect";
        HttpResponse<String> response;
        try {
            response = get(url, null);
        } catch (Exception e) {
            return new Part("connect", name, State.DOWN, "Not reachable at " + board.connectUrl() + " ("
                    + describe(e) + "). Orders are still accepted and kept in the database's binlog; new orders "
                    + "will appear here when Connect returns.");
        }
        if (response.statusCode() == 404) {
            return new Part("connect", name, State.DOWN, "connector " + board.connector()
                    + " is not registered: new orders will appear once it is.");
        }
        if (response.statusCode() != 200) {
            return new Part("connect", name, State.DOWN, "status of connector " + board.connector()
                    + " answered HTTP " + response.statusCode());
        }
        JsonNode status = json.readTree(response.body());
        String connectorState = status.path("connector").path("state").asString("UNKNOWN");
        List<String> tasks = new ArrayList<>();
        String failure = null;
        boolean allRunning = "RUNNING".equals(connectorState);
        for (JsonNode task : status.path("tasks")) {
            String state = task.path("state").asString("UNKNOWN");
            tasks.add("task " + task.path("id").asString("?") + " " + state);
            allRunning &= "RUNNING".equals(state);
            if ("FAILED".equals(state) && failure == null) {
                failure = task.path("trace").asString("").lines().findFirst().orElse("");
            }
        }
        if (tasks.isEmpty()) {
            allRunning = false;
            tasks.add("no task");
        }
        String detail = "connector " + board.connector() + " " + connectorState + ", " + String.join(", ", tasks);
        if (allRunning) {
            return new Part("connect", name, State.UP, detail);
        }
        if (failure != null || "FAILED".equals(connectorState)) {
            return new Part("connect", name, State.DOWN, detail + (failure == null ? "" : ": " + failure)
                    + ". New orders will appear here once the task runs again.");
        }
        return new Part("connect", name, State.DEGRADED, detail + ". New orders will appear here once it runs.");
    }

    private Part broker() {
        try {
            int nodes = admin().describeCluster().nodes().get(board.probeTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .size();
            return new Part("kafka", "Kafka broker", State.UP, nodes + " node" + (nodes == 1 ? "" : "s") + " at "
                    + String.join(",", kafka.getBootstrapServers()));
        } catch (Exception e) {
            closeKafkaClients(); // a new client next time, rather than one stuck on a dead connection
            return new Part("kafka", "Kafka broker", State.DOWN, "not reachable at "
                    + String.join(",", kafka.getBootstrapServers()) + ": " + describe(e));
        }
    }

    private Part streams() {
        KafkaStreams.State state = streamsState.state();
        FeedStatus feedStatus = feed.status();
        String name = "Kafka Streams";
        String detail = "delivery-streams " + self.id() + ": " + (state == null ? "not started" : state.name());
        if (state != KafkaStreams.State.RUNNING) {
            State shown = state == KafkaStreams.State.REBALANCING ? State.DEGRADED : State.DOWN;
            return new Part("streams", name, shown, detail + (shown == State.DEGRADED
                    ? ": partitions are moving, the board may lag for a moment" : ": the projection is not updating"));
        }
        if (feedStatus.state() != FeedStatus.State.READING) {
            return new Part("streams", name, State.DEGRADED, detail + ", but its status feed is "
                    + feedStatus.state() + (feedStatus.lastError() == null ? "" : " (" + feedStatus.lastError() + ")")
                    + ": live changes pause until it reads again");
        }
        return new Part("streams", name, State.UP, detail);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // figures

    /** The projection's group's committed offsets against the ends of the order events' partitions. */
    private Long lag() {
        try {
            long timeout = board.probeTimeout().toMillis();
            Map<TopicPartition, OffsetAndMetadata> committed = admin().listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get(timeout, TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            admin().describeTopics(List.of(delivery.topics().orderEvents())).allTopicNames()
                    .get(timeout, TimeUnit.MILLISECONDS).values().forEach(description -> description.partitions()
                            .forEach(p -> ends.put(new TopicPartition(description.name(), p.partition()),
                                    OffsetSpec.latest())));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets = admin().listOffsets(ends).all()
                    .get(timeout, TimeUnit.MILLISECONDS);
            long lag = 0;
            for (var entry : offsets.entrySet()) {
                OffsetAndMetadata position = committed.get(entry.getKey());
                lag += Math.max(0, entry.getValue().offset() - (position == null ? 0 : position.offset()));
            }
            return lag;
        } catch (Exception e) {
            log.debug("Consumer lag not available: {}", e.toString());
            return null;
        }
    }

    /** Reads the dead-letter topic on from where it got to, counting its (committed) records. */
    private Long countDeadLetters() {
        try {
            if (deadLetterReader == null) {
                Consumer<byte[], byte[]> reader = newDeadLetterReader();
                List<PartitionInfo> infos = reader.partitionsFor(delivery.topics().deadLetters(),
                        board.probeTimeout());
                if (infos == null || infos.isEmpty()) {
                    reader.close();
                    return 0L; // not created yet: nothing dead-lettered
                }
                List<TopicPartition> partitions = infos.stream()
                        .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
                reader.assign(partitions);
                reader.seekToBeginning(partitions);
                deadLetterReader = reader;
                deadLetterCount = 0;
            }
            int read;
            do {
                read = deadLetterReader.poll(Duration.ofMillis(50)).count();
                deadLetterCount += read;
            } while (read > 0);
            return deadLetterCount;
        } catch (RuntimeException e) {
            log.debug("Dead letters not countable: {}", e.toString());
            closeDeadLetterReader();
            return null;
        }
    }

    private long duplicates() {
        Counter counter = meters.find(DeliveryMetrics.DUPLICATES_DROPPED).counter();
        return counter == null ? 0 : (long) counter.count();
    }

    // ---------------------------------------------------------------------------------------------------------------

    private HttpResponse<String> get(String url, String userInfo) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(board.probeTimeout()).GET();
        if (userInfo != null && !userInfo.isBlank()) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String statusOf(String healthBody) {
        try {
            return json.readTree(healthBody).path("status").asString("?");
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private String describe(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && (cause.getMessage() == null || cause instanceof java.util.concurrent.ExecutionException)) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        String type = cause.getClass().getSimpleName();
        if (cause instanceof java.net.ConnectException || cause instanceof java.nio.channels.ClosedChannelException) {
            return "connection refused";
        }
        if (cause instanceof java.net.http.HttpTimeoutException || cause instanceof java.util.concurrent.TimeoutException) {
            return "no answer within " + board.probeTimeout().toMillis() + " ms";
        }
        return message == null ? type : type + ": " + message;
    }

    private Admin admin() {
        if (admin == null) {
            Map<String, Object> config = new HashMap<>();
            config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", kafka.getBootstrapServers()));
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, "delivery-board-probe");
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) board.probeTimeout().toMillis());
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) board.probeTimeout().toMillis());
            config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
            admin = Admin.create(config);
        }
        return admin;
    }

    private Consumer<byte[], byte[]> newDeadLetterReader() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", kafka.getBootstrapServers()));
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "delivery-board-dead-letters");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void closeDeadLetterReader() {
        if (deadLetterReader != null) {
            try {
                deadLetterReader.close(Duration.ofSeconds(1));
            } catch (RuntimeException ignored) {
                // closing a consumer of a broker that is gone
            }
            deadLetterReader = null;
        }
    }

    private void closeKafkaClients() {
        closeDeadLetterReader();
        if (admin != null) {
            try {
                admin.close(Duration.ofSeconds(1));
            } catch (RuntimeException ignored) {
                // as above
            }
            admin = null;
        }
    }
}
