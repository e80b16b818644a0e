package dev.outbox.delivery.feed;

import dev.outbox.delivery.platform.DeliveryProperties;
import dev.outbox.delivery.projection.KafkaStreamsConfig;
import dev.outbox.serde.SchemaRegistryClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Reads the topology's outputs that HTTP callers wait for, on every instance: command results (to answer the command
 * requests this instance sent, whichever instance decided them) and status changes (for the SSE streams). What it
 * reads, with which consumer, is {@link OutputsConsumer}'s; what becomes of each record, {@link OutputsDispatcher}'s;
 * this class keeps it reading, on its own thread, never on the event loop.
 *
 * <p>When reading fails (the broker is gone, a fatal consumer error, anything thrown), the feed closes its consumer
 * and starts over with a new one after a backoff: 1 s, doubling up to {@value #MAX_BACKOFF_SECONDS} s while the
 * failures follow one another. Meanwhile it is not ready, so command requests answer 503 instead of waiting for
 * results that cannot be seen; when it reads again it starts at the end, so results decided in between are missed
 * (their callers got 504). {@link #status()} says where it stands, for the health endpoint.
 */
@Component
public class DeliveryOutputsFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveryOutputsFeed.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
    private static final long MAX_BACKOFF_SECONDS = 30;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(MAX_BACKOFF_SECONDS);

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final Duration retryBackoff;
    private final List<String> topics;
    private final OutputsDispatcher dispatcher;
    private final MeterRegistry meterRegistry;

    private volatile boolean running;
    private volatile boolean ready;
    private volatile Consumer<String, byte[]> consumer;
    private volatile CountDownLatch stopping = new CountDownLatch(0);
    private volatile FeedStatus status = FeedStatus.STOPPED;
    private Thread thread;

    @Autowired
    public DeliveryOutputsFeed(KafkaProperties kafka, DeliveryProperties properties, SchemaRegistryClient registry,
                               CommandResultListener commandResults, StatusChanges statusChanges,
                               MeterRegistry meterRegistry) {
        this(OutputsConsumer.factory(kafka), properties.topics().commandResults(), properties.topics().status(),
                registry, commandResults, statusChanges, meterRegistry, RETRY_BACKOFF);
    }

    /**
     * @param consumers    makes the consumer the feed reads with (a new one for every start)
     * @param retryBackoff wait between attempts to assign the partitions
     */
    DeliveryOutputsFeed(Supplier<Consumer<String, byte[]>> consumers, String resultsTopic, String statusTopic,
                        SchemaRegistryClient registry, CommandResultListener commandResults,
                        StatusChanges statusChanges, MeterRegistry meterRegistry, Duration retryBackoff) {
        this.consumers = consumers;
        this.retryBackoff = retryBackoff;
        this.topics = List.of(resultsTopic, statusTopic);
        this.dispatcher = new OutputsDispatcher(registry, commandResults, statusChanges);
        this.meterRegistry = meterRegistry;
    }

    /** True once every partition is assigned and positioned at its end: from then on no result is missed. */
    public boolean isReady() {
        return ready;
    }

    public FeedStatus status() {
        return status;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        stopping = new CountDownLatch(1);
        status = status.starting();
        thread = new Thread(this::run, "delivery-outputs-feed");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        stopping.countDown();
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the web server has drained its requests (some of them wait for results from here). */
    @Override
    public int getPhase() {
        return KafkaStreamsConfig.STREAMS_PHASE;
    }

    /** Reads until stopped; a failure closes the consumer and, after a backoff, starts over with a new one. */
    private void run() {
        try {
            while (running) {
                readUntilStoppedOrFailed();
                if (running) {
                    pause(backoffAfter(status.failures()));
                }
            }
            status = status.in(FeedStatus.State.STOPPED);
        } catch (Error e) {
            log.error("Outputs feed thread ended: command requests are refused until the instance is restarted", e);
            status = status.failed(e.toString(), Instant.now());
            throw e;
        }
    }

    /** One session with one consumer: assign, seek to the end, read. Returns when stopped, or after a failure. */
    private void readUntilStoppedOrFailed() {
        long readingSince = -1;
        try (Consumer<String, byte[]> c = consumers.get();
             KafkaClientMetrics metrics = new KafkaClientMetrics(c, Tags.of("spring.id", "deliveryOutputsFeed"))) {
            consumer = c;
            metrics.bindTo(meterRegistry);
            while (running && !ready) {
                ready = OutputsConsumer.assignAtEnd(c, topics);
                if (!ready) {
                    pause(retryBackoff);
                }
            }
            if (ready) {
                readingSince = System.nanoTime();
                status = status.in(FeedStatus.State.READING);
            }
            while (running) {
                for (ConsumerRecord<String, byte[]> record : c.poll(POLL_TIMEOUT)) {
                    dispatcher.dispatch(record);
                }
            }
        } catch (RuntimeException e) { // WakeupException included: when not stopping, a failure like any other
            if (running) {
                failed(e, readingSince);
            }
        } finally {
            ready = false;
            consumer = null;
        }
    }

    private void failed(RuntimeException e, long readingSince) {
        // failures in a row: a session that read for longer than the longest backoff starts the count again
        boolean readLong = readingSince >= 0 && System.nanoTime() - readingSince >= MAX_BACKOFF.toNanos();
        int failures = (readLong ? 0 : status.failures()) + 1;
        Duration backoff = backoffAfter(failures);
        status = status.restarting(failures, e.toString(), Instant.now(), backoff);
        log.error("Outputs feed failed ({} in a row); starting over in {} ms. Until then command requests are "
                + "refused (503) and SSE streams get no changes", failures, backoff.toMillis(), e);
    }

    /** 1 s (the retry backoff), 2 s, 4 s ... up to the maximum. */
    private Duration backoffAfter(int failures) {
        long factor = 1L << Math.min(Math.max(failures - 1, 0), 20);
        Duration backoff = retryBackoff.multipliedBy(factor);
        return backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
    }

    /** Waits, unless stopped meanwhile. */
    private void pause(Duration duration) {
        try {
            stopping.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
