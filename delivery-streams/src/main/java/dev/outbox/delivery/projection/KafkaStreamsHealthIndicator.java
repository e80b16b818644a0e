package dev.outbox.delivery.projection;

import dev.outbox.delivery.platform.Instance;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams.State;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * Health from the Kafka Streams state: UP when RUNNING; OUT_OF_SERVICE while starting or shutting down; DOWN on error,
 * and DOWN while the projection cannot make progress (its stream threads keep failing, see
 * {@link KafkaStreamsState#stall()}) whatever the client's state says.
 *
 * <p>REBALANCING counts as UP once the instance has been RUNNING: every instance joining or leaving makes all of
 * them rebalance for a moment, and a health check that flapped to 503 each time would get healthy instances
 * restarted or taken out of load balancing. Queries for a partition that is moving answer 503 with Retry-After
 * meanwhile. Before the first RUNNING, REBALANCING is OUT_OF_SERVICE, so whoever waits for UP at start-up waits
 * until the stores are restored and queryable.
 */
@Component("kafkaStreams")
public class KafkaStreamsHealthIndicator implements HealthIndicator {

    private final KafkaStreamsState streams;
    private final Instance instance;

    public KafkaStreamsHealthIndicator(KafkaStreamsState streams, Instance instance) {
        this.streams = streams;
        this.instance = instance;
    }

    @Override
    public Health health() {
        State state = streams.state();
        Status status;
        if (state == State.RUNNING) {
            status = Status.UP;
        } else if (state == State.REBALANCING) {
            status = streams.hasBeenRunning() ? Status.UP : Status.OUT_OF_SERVICE;
        } else if (state == State.ERROR || state == State.PENDING_ERROR) {
            status = Status.DOWN;
        } else {
            status = Status.OUT_OF_SERVICE; // not started yet, CREATED, PENDING_SHUTDOWN, NOT_RUNNING
        }
        Optional<KafkaStreamsState.Stall> stall = streams.stall();
        Health.Builder health = Health.status(stall.isPresent() ? Status.DOWN : status)
                .withDetail("state", state == null ? "NOT_STARTED" : state.name())
                .withDetail("applicationServer", instance.id());
        stall.ifPresent(s -> health.withDetail("stalled", s.describe()));
        return health.build();
    }
}
