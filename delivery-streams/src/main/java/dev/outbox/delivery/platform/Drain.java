package dev.outbox.delivery.platform;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The first thing a stopping instance does: report not ready (the {@code lifecycle} health contributor, part of
 * readiness) and keep serving for {@code delivery.readiness.drain} before the web server's graceful shutdown closes
 * its port; a load balancer checking readiness every second has taken the instance out by then. Stopped first (the
 * highest phase), so Kafka Streams and the outputs feed still answer queries and commands while it drains.
 */
@Component("lifecycle")
public class Drain implements SmartLifecycle, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(Drain.class);

    private final Duration drain;
    private volatile boolean running;
    private volatile boolean draining;

    public Drain(@Value("${delivery.readiness.drain:0s}") Duration drain) {
        this.drain = drain;
    }

    @Override
    public Health health() {
        return draining ? Health.outOfService().withDetail("phase", "DRAINING").build()
                : Health.up().withDetail("phase", "READY").build();
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        stop(() -> { });
    }

    @Override
    public void stop(Runnable callback) {
        running = false;
        draining = true;
        if (drain.isZero() || drain.isNegative()) {
            callback.run();
            return;
        }
        log.info("Draining: reporting not ready for {} ms before the server stops taking requests", drain.toMillis());
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "drain");
            thread.setDaemon(true);
            return thread;
        });
        timer.schedule(() -> {
            callback.run();
            timer.shutdown();
        }, drain.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
