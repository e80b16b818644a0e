package dev.outbox.order.idempotency;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Deletes expired Idempotency-Keys every {@code orders.idempotency.cleanup-interval}: rows older than the retention,
 * at most {@code cleanup-batch-size} per statement, batch after batch until one deletes fewer. Several instances may
 * run it at once; they only share the work. The rows each batch deleted are the summary
 * {@code orders.idempotency.cleanup.batch}.
 */
@Component
class IdempotencyCleanup implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyCleanup.class);

    private final IdempotencyStore store;
    private final IdempotencyProperties properties;
    private final DistributionSummary batches;
    private volatile Disposable schedule;

    IdempotencyCleanup(IdempotencyStore store, IdempotencyProperties properties, MeterRegistry meters) {
        this.store = store;
        this.properties = properties;
        this.batches = DistributionSummary.builder("orders.idempotency.cleanup.batch")
                .description("Expired Idempotency-Keys deleted per cleanup batch").baseUnit("rows").register(meters);
    }

    /** One cleanup run: every expired row, in batches; how many were deleted. */
    Mono<Long> deleteExpired() {
        return Mono.defer(() -> {
            var cutoff = IdempotencyStore.now().minus(properties.retention());
            int size = properties.cleanupBatchSize();
            Mono<Long> batch = store.deleteCreatedBefore(cutoff, size).doOnNext(batches::record);
            return batch.expand(deleted -> deleted >= size ? batch : Mono.empty()).reduce(0L, Long::sum);
        });
    }

    @Override
    public void start() {
        schedule = Flux.interval(properties.cleanupInterval(), properties.cleanupInterval())
                .onBackpressureDrop()
                .concatMap(tick -> deleteExpired()
                        .doOnNext(n -> {
                            if (n > 0) {
                                log.info("deleted {} expired idempotency keys", n);
                            }
                        })
                        // the database may be away for a while: the next run tries again
                        .onErrorResume(e -> {
                            log.warn("idempotency key cleanup failed: {}", e.toString());
                            return Mono.empty();
                        }), 1)
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable running = schedule;
        if (running != null) {
            running.dispose();
        }
        schedule = null;
    }

    @Override
    public boolean isRunning() {
        return schedule != null && !schedule.isDisposed();
    }
}
