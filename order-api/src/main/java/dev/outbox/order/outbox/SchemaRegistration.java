package dev.outbox.order.outbox;

import dev.outbox.serde.SchemaRegistryException;
import dev.outbox.serde.SchemaRegistryUnavailableException;
import jakarta.annotation.PreDestroy;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

import java.time.Duration;
import java.time.Instant;

/**
 * Registers the event schemas at start-up, before the app reports ready.
 *
 * <p>A permanent refusal — a 4xx answer, e.g. 409 (incompatible with an earlier version) or 422 (invalid) — fails the
 * start-up with the schema and the registry's answer: retrying cannot change it, and an order API that cannot write
 * its events must not look healthy. A transient failure — the registry cannot be reached, times out, answers 5xx
 * (or 408/429) — does not stop the start-up: registration is retried in the background with a backoff (200 ms,
 * doubling, at most 5 s) while the {@code schemaRegistry} health contributor is DOWN, and UP once every schema is
 * registered. Should a retry then get a permanent refusal, retrying stops and health stays DOWN with that answer.
 */
@Component
public class SchemaRegistration implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistration.class);

    public enum State { PENDING, RETRYING, REGISTERED, REFUSED }

    /** Where registration stands; {@code lastError} describes the last failure, if any. */
    public record Status(State state, int attempts, String lastError, Instant lastAttemptAt) {
    }

    private final EventEncoder encoder;
    private final String registryUrl;
    private volatile Status status = new Status(State.PENDING, 0, null, null);
    private volatile Disposable retries;

    public SchemaRegistration(EventEncoder encoder, OutboxProperties properties) {
        this.encoder = encoder;
        this.registryUrl = properties.schemaRegistryUrl();
    }

    public Status status() {
        return status;
    }

    public String registryUrl() {
        return registryUrl;
    }

    @Override
    public void run(ApplicationArguments args) {
        try {
            registerAll();
            return;
        } catch (Refused refused) {
            throw refused;
        } catch (RuntimeException transientFailure) {
            failed(transientFailure);
        }
        retries = Mono.fromRunnable(this::registerAll)
                .subscribeOn(Schedulers.boundedElastic())
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5))
                        .filter(e -> !(e instanceof Refused))
                        .doBeforeRetry(s -> failed(s.failure())))
                .subscribe(null, e -> {
                    // a permanent refusal after the start-up: stop retrying, say so in health and the log
                    status = new Status(State.REFUSED, status.attempts() + 1, e.getMessage(), Instant.now());
                    log.error("{}", e.getMessage());
                });
    }

    @PreDestroy
    void stop() {
        Disposable running = retries;
        if (running != null) {
            running.dispose();
        }
    }

    private void registerAll() {
        for (Class<? extends SpecificRecord> type : EventEncoder.EVENT_TYPES) {
            try {
                encoder.preregister(type);
            } catch (RuntimeException e) {
                SchemaRegistryException answer = registryAnswer(e);
                if (answer != null && permanent(answer)) {
                    throw new Refused(type, registryUrl, answer, e);
                }
                throw e;
            }
        }
        encoder.schemasRegistered();
        status = new Status(State.REGISTERED, status.attempts() + 1, null, Instant.now());
        if (status.attempts() > 1) {
            log.info("event schemas registered after {} attempts", status.attempts());
        }
    }

    private void failed(Throwable e) {
        SchemaRegistryException answer = registryAnswer(e);
        String error = answer != null ? describe(answer) : e.toString();
        status = new Status(State.RETRYING, status.attempts() + 1, error, Instant.now());
        log.warn("schema registry at {} not ready (attempt {}), retrying: {}", registryUrl, status.attempts(), error);
    }

    /** The registry's typed error in the cause chain, if any. */
    private static SchemaRegistryException registryAnswer(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SchemaRegistryException r) {
                return r;
            }
        }
        return null;
    }

    /** 4xx is the registry's decision about the schema or the request; 408 and 429 say "later". */
    private static boolean permanent(SchemaRegistryException e) {
        int status = e.getStatus();
        return !(e instanceof SchemaRegistryUnavailableException) && status >= 400 && status < 500
                && status != 408 && status != 429;
    }

    private static String describe(SchemaRegistryException e) {
        return "HTTP " + (e.getStatus() < 0 ? "(no answer)" : e.getStatus())
                + (e.getErrorCode() >= 0 ? ", error_code " + e.getErrorCode() : "")
                + (e.getRegistryMessage() != null ? ": " + e.getRegistryMessage() : ": " + e.getMessage());
    }

    /** The registry refused a schema for good: the start-up fails with this message. */
    static final class Refused extends IllegalStateException {
        Refused(Class<? extends SpecificRecord> type, String url, SchemaRegistryException answer, Throwable cause) {
            super("The schema registry at " + url + " refused the schema of " + SpecificData.get().getSchema(type)
                    .getFullName() + " (" + describe(answer) + "). Retrying cannot change that: make the schema"
                    + " compatible (or valid) or change the subject's compatibility level; the order API does not"
                    + " start without its event schemas.", cause);
        }
    }
}
