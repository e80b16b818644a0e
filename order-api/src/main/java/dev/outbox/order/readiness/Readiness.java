package dev.outbox.order.readiness;

import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Where the instance is in its life, as the {@code lifecycle} health contributor (part of readiness): OUT_OF_SERVICE
 * while it warms up ({@link WarmUp}) and while it drains before it stops ({@link Drain}), UP in between. A load
 * balancer checking {@code /actuator/health/readiness} sends it traffic only while it is UP.
 */
@Component("lifecycle")
public class Readiness implements HealthIndicator {

    public enum Phase { WARMING_UP, READY, DRAINING }

    private final AtomicReference<Phase> phase;
    private volatile String detail = "starting";

    Readiness(ReadinessProperties properties) {
        this.phase = new AtomicReference<>(properties.warmUp() ? Phase.WARMING_UP : Phase.READY);
        if (!properties.warmUp()) {
            detail = "no warm-up";
        }
    }

    public Phase phase() {
        return phase.get();
    }

    /** Whether dry-run orders are taken: only while warming up, when no client is sent here yet. */
    public boolean warmingUp() {
        return phase.get() == Phase.WARMING_UP;
    }

    void warmUpProgress(String progress) {
        detail = progress;
    }

    void ready(String how) {
        if (phase.compareAndSet(Phase.WARMING_UP, Phase.READY)) {
            detail = how;
        }
    }

    void draining() {
        phase.set(Phase.DRAINING);
        detail = "stopping: finishing what it accepted";
    }

    @Override
    public Health health() {
        return (phase.get() == Phase.READY ? Health.up() : Health.outOfService())
                .withDetail("phase", phase.get().name())
                .withDetail("detail", detail)
                .build();
    }
}
