package dev.outbox.order.readiness;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Warm before ready: once the server listens, the instance sends itself dry-run orders ({@code Warm-Up: dry-run})
 * through its own HTTP port, the whole path of a real one (JSON, validation, Avro, every SQL statement, the Idempotency-Key) but
 * with the transaction rolled back, so nothing is stored and nothing reaches the binlog. It reports ready
 * ({@link Readiness}) once it has sent {@code orders.readiness.warm-up-requests} and the JIT has gone quiet (under 5 %
 * of a core compiling over two seconds), or after {@code warm-up-max} whatever the JIT does.
 *
 * <p>Why: a fresh JVM runs the hot path interpreted, then compiles it for minutes; sent its share of a busy stack's
 * traffic at once, it queues, refuses with 503 and competes with its own compilers for the CPU.
 */
@Component
class WarmUp {

    /** The header of a dry-run order (see {@code lifecycle.DryRuns}, which takes it only while warming up). */
    private static final String HEADER = "Warm-Up";
    private static final String DRY_RUN = "dry-run";

    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);
    private static final Duration CHECK = Duration.ofSeconds(2);
    /** Compile time per {@link #CHECK} under which the JIT counts as quiet: 5 % of a core. */
    private static final long QUIET_COMPILE_MILLIS = CHECK.toMillis() / 20;

    private final Readiness readiness;
    private final ReadinessProperties properties;
    private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    private volatile Disposable running;

    WarmUp(Readiness readiness, ReadinessProperties properties) {
        this.readiness = readiness;
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start(ApplicationReadyEvent event) {
        if (!readiness.warmingUp()) {
            return;
        }
        Environment env = event.getApplicationContext().getEnvironment();
        String address = env.getProperty("server.address", "127.0.0.1");
        if (address.equals("0.0.0.0") || address.equals("::")) {
            address = "127.0.0.1";
        }
        String url = "http://" + (address.contains(":") ? "[" + address + "]" : address) + ":"
                + env.getProperty("local.server.port") + "/orders";
        run(WebClient.create(url));
    }

    private void run(WebClient client) {
        long begin = System.nanoTime();
        long deadline = begin + properties.warmUpMax().toNanos();
        AtomicLong sent = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong compiledAt = new AtomicLong(compileMillis());
        log.info("Warming up before reporting ready: at least {} dry-run orders, then until the JIT is quiet"
                + " (at most {} s)", properties.warmUpRequests(), properties.warmUpMax().toSeconds());
        Flux<Long> checks = Flux.interval(CHECK, CHECK).filter(tick -> {
            long compiled = compileMillis();
            long compiling = compiled - compiledAt.getAndSet(compiled);
            readiness.warmUpProgress("warming up: " + answered.get() + " dry-run orders answered, " + failed.get()
                    + " failed; the JIT compiled " + compiling + " ms in the last " + CHECK.toSeconds() + " s");
            return System.nanoTime() > deadline
                    || (answered.get() >= properties.warmUpRequests() && compiling < QUIET_COMPILE_MILLIS);
        });
        // at a bounded rate: an instance restarted next to a busy one must not take the CPU and the database from it
        running = Flux.interval(Duration.ofNanos(1_000_000_000L / Math.max(1, properties.warmUpRate())))
                .onBackpressureDrop()
                .flatMap(i -> {
                    sent.incrementAndGet();
                    return dryRun(client).doOnNext(ok -> (ok ? answered : failed).incrementAndGet());
                }, properties.warmUpConcurrency())
                .takeUntilOther(checks.next())
                .doFinally(signal -> {
                    double seconds = (System.nanoTime() - begin) / 1e9;
                    String how = String.format("warmed up in %.1f s: %d dry-run orders answered, %d failed%s", seconds,
                            answered.get(), failed.get(), System.nanoTime() > deadline ? " (time limit reached)" : "");
                    readiness.ready(how);
                    log.info("Ready: {}", how);
                })
                .subscribe();
    }

    /** One dry-run order, with an Idempotency-Key of its own; true when it was answered 201. */
    private static Mono<Boolean> dryRun(WebClient client) {
        String body = """
                {"customerId": "warm-up-%s", "lines": [{"sku": "WARM-UP-1", "quantity": 2}, {"sku": "WARM-UP-2",
                 "quantity": 1}], "deliveryAddress": {"recipient": "Warm Up", "street": "1 Loopback Lane",
                 "city": "Localhost", "postalCode": "127 001", "country": "GB", "instructions": "none"}}"""
                .formatted(UUID.randomUUID());
        return client.post()
                .contentType(MediaType.APPLICATION_JSON)
                .header(HEADER, DRY_RUN)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .bodyValue(body)
                .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value() == 201))
                .timeout(Duration.ofSeconds(10))
                .onErrorReturn(false)
                // a dependency that is not there yet (database, registry) is waited for, not hammered
                .flatMap(ok -> ok ? Mono.just(true) : Mono.delay(Duration.ofMillis(200)).thenReturn(false));
    }

    private long compileMillis() {
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        Disposable r = running;
        if (r != null) {
            r.dispose();
        }
    }
}
