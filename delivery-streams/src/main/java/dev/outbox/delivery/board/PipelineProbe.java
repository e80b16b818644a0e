package dev.outbox.delivery.board;

import dev.outbox.delivery.feed.DeliveryOutputsFeed;
import dev.outbox.delivery.feed.FeedStatus;
import dev.outbox.delivery.feed.StatusChanges;
import dev.outbox.delivery.platform.DeliveryProperties;
import dev.outbox.delivery.platform.Instance;
import dev.outbox.delivery.projection.DeliveryMetrics;
import dev.outbox.delivery.projection.KafkaStreamsState;
import dev.outbox.events.delivery.StatusTransition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Gathers, every {@code board.refresh-interval} on its own thread, what the board shows of the pipeline: each part's
 * state (order API, registry, Connect and the connector's tasks, the broker, Kafka Streams), the projection's
 * consumer lag on the order events, the records in the dead-letter topic, the duplicates dropped, and the end-to-end
 * latency histogram (order accepted, by the event's own time, → its first status change seen on
 * {@code delivery.status} by this instance).
 *
 * <p>Nothing here is on a request's path: an open board gets the last snapshot, however slow a part is to answer.
 * What is asked over HTTP is {@link HttpParts}'s, what is asked of Kafka {@link KafkaParts}'s; this class keeps the
 * schedule, the latency histogram and the snapshot.
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
    private final HttpParts httpParts;
    private final KafkaParts kafkaParts;
    private final KafkaStreamsState streamsState;
    private final DeliveryOutputsFeed feed;
    private final StatusChanges statusChanges;
    private final MeterRegistry meters;
    private final Instance self;
    private final LatencyHistogram latency;

    private volatile Snapshot snapshot;
    private volatile boolean running;
    private ScheduledExecutorService scheduler;
    private Disposable latencies;

    public PipelineProbe(BoardProperties board, DeliveryProperties delivery, KafkaProperties kafka,
                         @Value("${spring.kafka.streams.application-id}") String applicationId,
                         @Value("${outbox.schema-registry.url}") String registryUrls,
                         @Value("${outbox.schema-registry.user-info:}") String registryUserInfo,
                         KafkaStreamsState streamsState, DeliveryOutputsFeed feed, StatusChanges statusChanges,
                         MeterRegistry meters, JsonMapper json, Instance self) {
        this.board = board;
        this.httpParts = new HttpParts(board, registryUrls, registryUserInfo, json);
        this.kafkaParts = new KafkaParts(board, delivery, kafka, applicationId);
        this.streamsState = streamsState;
        this.feed = feed;
        this.statusChanges = statusChanges;
        this.meters = meters;
        this.self = self;
        this.latency = new LatencyHistogram((int) Math.max(1, board.latencyWindow().toSeconds()));
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
        kafkaParts.close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    void refresh() {
        try {
            List<Part> parts = new ArrayList<>();
            parts.add(httpParts.orderApi());
            parts.add(httpParts.registry());
            parts.add(httpParts.connect());
            Part broker = kafkaParts.broker();
            parts.add(broker);
            parts.add(streams());
            boolean brokerUp = broker.state() == State.UP;
            Long lag = brokerUp ? kafkaParts.lag() : null;
            Long deadLetters = brokerUp ? kafkaParts.countDeadLetters() : null;
            snapshot = new Snapshot(Instant.now(), self.id(), List.copyOf(parts), lag, deadLetters, duplicates(),
                    latency.snapshot(System.currentTimeMillis()));
        } catch (RuntimeException e) {
            log.warn("Could not gather the pipeline's state: {}", e.toString());
        }
    }

    private Part streams() {
        KafkaStreams.State state = streamsState.state();
        FeedStatus feedStatus = feed.status();
        String name = "Kafka Streams";
        String detail = "delivery-streams " + self.id() + ": " + (state == null ? "not started" : state.name());
        Optional<KafkaStreamsState.Stall> stall = streamsState.stall();
        if (stall.isPresent()) {
            return new Part("streams", name, State.DOWN, detail + ", but the projection cannot make progress ("
                    + stall.get().describe() + "): new orders and commands wait");
        }
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

    private long duplicates() {
        Counter counter = meters.find(DeliveryMetrics.DUPLICATES_DROPPED).counter();
        return counter == null ? 0 : (long) counter.count();
    }
}
