package dev.outbox.order.idempotency;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Idempotency-Key protocol of a command, in the spirit of the {@code MessageLog} of Debezium's outbox example: a
 * command sent again with the same key and body gets its first answer back and writes nothing.
 *
 * <ol>
 *   <li>The command runs and stores its answer through {@link FirstAnswer} first in its own transaction, before its
 *       other writes: the command's writes and its answer commit together or not at all.</li>
 *   <li>When the key is stored already, or by a concurrent request that has not committed yet (the insert waits for
 *       it), that insert fails ({@link AlreadyHandled}), the transaction rolls back having written nothing else, and
 *       the request is answered with the stored answer ({@code Idempotent-Replayed: true}); the same key with another
 *       body is refused with 422.</li>
 * </ol>
 * No read of the key comes first: nearly every key is new, and a read would be one more round trip and pooled
 * connection per command for the rare retry.
 * A key is scoped to the client that sent it (see {@link IdempotencyStore}) and expires ({@link IdempotencyCleanup}).
 */
@Service
public class IdempotentCommands {

    public static final String HEADER = "Idempotency-Key";

    /** A command's answer as stored and replayed: its status, the id of the resource it made, and its body. */
    public record Answer(int status, UUID resourceId, String body, boolean replayed) {

        public static Answer first(int status, UUID resourceId, String body) {
            return new Answer(status, resourceId, body, false);
        }
    }

    /** Stores the first answer to the key; the command calls it inside its own transaction. */
    @FunctionalInterface
    public interface FirstAnswer {
        Mono<Void> store(Answer answer);
    }

    /**
     * An idempotent request: the client's key, the scope it belongs to (the customer: there is no authentication),
     * and the hash of the request's canonical form; {@link #NONE} without a key.
     */
    public record Request(String key, String scope, String requestHash) {

        public static final Request NONE = new Request(null, null, null);

        /**
         * @param key              the header's value, or null (no idempotency)
         * @param canonicalRequest the request in a form that does not depend on how it was formatted
         * @throws IdempotencyKeyProblem (400) unless the key is 1-255 printable ASCII characters
         */
        public static Request of(String key, String scope, Supplier<String> canonicalRequest) {
            if (key == null) {
                return NONE;
            }
            if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                throw new IdempotencyKeyProblem(HttpStatus.BAD_REQUEST,
                        HEADER + " must be 1-255 printable ASCII characters.");
            }
            return new Request(key, scope, sha256(canonicalRequest.get()));
        }
    }

    private final IdempotencyStore store;

    IdempotentCommands(IdempotencyStore store) {
        this.store = store;
    }

    /** Runs {@code command} at most once per key (see the class comment); without a key, simply runs it. */
    public Mono<Answer> execute(Request request, Function<FirstAnswer, Mono<Answer>> command) {
        if (request.key() == null) {
            return command.apply(answer -> Mono.empty());
        }
        FirstAnswer first = answer -> store.save(request.scope(), request.key(),
                new IdempotencyStore.Stored(request.requestHash(), answer.resourceId(), answer.status(), answer.body()));
        return command.apply(first)
                .onErrorResume(AlreadyHandled.class, e -> replay(request).switchIfEmpty(Mono.error(e)));
    }

    private Mono<Answer> replay(Request request) {
        return store.find(request.scope(), request.key()).map(stored -> {
            if (!stored.requestHash().equals(request.requestHash())) {
                throw new IdempotencyKeyProblem(HttpStatus.UNPROCESSABLE_CONTENT,
                        "This " + HEADER + " was already used with a different request body.");
            }
            return new Answer(stored.status(), stored.orderId(), stored.body(), true);
        });
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
