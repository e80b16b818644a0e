package dev.outbox.order.readiness;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The first thing a stopping instance does: report not ready, and keep serving for {@code orders.readiness.drain}
 * before the web server's graceful shutdown closes its port and finishes the requests in flight. A load balancer
 * that checks readiness every second has taken the instance out by then, so no client is sent to a closed port.
 * Stopped first (the highest phase), started last.
 */
@Component
class Drain implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Drain.class);

    private final Readiness readiness;
    private final ReadinessProperties properties;
    private volatile boolean running;

    Drain(Readiness readiness, ReadinessProperties properties) {
        this.readiness = readiness;
        this.properties = properties;
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
        readiness.draining();
        long millis = properties.drain().toMillis();
        if (millis <= 0) {
            callback.run();
            return;
        }
        log.info("Draining: reporting not ready for {} ms before the server stops taking requests", millis);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "drain");
            thread.setDaemon(true);
            return thread;
        });
        timer.schedule(() -> {
            callback.run();
            timer.shutdown();
        }, millis, TimeUnit.MILLISECONDS);
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
