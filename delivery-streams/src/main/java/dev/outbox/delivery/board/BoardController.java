package dev.outbox.delivery.board;

import dev.outbox.delivery.query.DeliveryJson;
import dev.outbox.delivery.feed.StatusChanges;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/**
 * The delivery board's live feed (the page itself is {@code static/index.html}, served at {@code /}).
 *
 * <p>{@code GET /board/events}: server-sent events, {@code pipeline} (the {@link PipelineProbe}'s snapshot) at once
 * and then every refresh, and {@code change} for every status change of every delivery, as this instance reads them
 * from {@code delivery.status}. The page loads each column's first page through {@code GET /deliveries?status=},
 * then moves cards as changes come. A board more than {@value #MAX_PENDING_CHANGES} changes behind is disconnected
 * (its EventSource reconnects and the page reloads its columns), so a slow browser never makes the server hold
 * changes for it.
 */
@RestController
public class BoardController {

    private static final Logger log = LoggerFactory.getLogger(BoardController.class);
    static final int MAX_PENDING_CHANGES = 4096;
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private final StatusChanges statusChanges;
    private final PipelineProbe probe;
    private final Duration refresh;

    public BoardController(StatusChanges statusChanges, PipelineProbe probe, BoardProperties properties) {
        this.statusChanges = statusChanges;
        this.probe = probe;
        this.refresh = properties.refreshInterval();
    }

    @GetMapping(path = "/board/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public Flux<ServerSentEvent<Object>> events() {
        Flux<ServerSentEvent<Object>> changes = statusChanges.all(MAX_PENDING_CHANGES)
                .map(change -> ServerSentEvent.<Object>builder(DeliveryJson.of(change))
                        .event("change")
                        .id(change.getTransition().getEventId().toString())
                        .build());
        Flux<ServerSentEvent<Object>> pipeline = Flux.interval(Duration.ZERO, refresh)
                .onBackpressureDrop()
                .map(tick -> ServerSentEvent.<Object>builder(probe.snapshot()).event("pipeline").build());
        Flux<ServerSentEvent<Object>> heartbeat = Flux.interval(HEARTBEAT)
                .onBackpressureDrop()
                .map(tick -> ServerSentEvent.builder().comment("keep-alive").build());
        return Flux.merge(changes, pipeline, heartbeat)
                .onErrorResume(e -> {
                    log.info("Board client does not keep up ({}): disconnecting it", e.toString());
                    return Flux.empty();
                });
    }

    /** The pipeline's state as the board shows it (also for scripts). */
    @GetMapping("/board/pipeline")
    public PipelineProbe.Snapshot pipeline() {
        return probe.snapshot();
    }
}
