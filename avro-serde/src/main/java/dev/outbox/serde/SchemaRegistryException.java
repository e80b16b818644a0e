package dev.outbox.serde;

import java.net.URI;

/**
 * The schema registry answered a request with an error.
 *
 * <p>Confluent-compatible registries answer errors with a body like {@code {"error_code":40403,"message":"Schema not
 * found"}}; this exception carries the HTTP status, that error code (or {@code -1} when the body had none) and the
 * registry's message. 4xx answers are never retried. See {@link SchemaRegistryUnavailableException} for a registry
 * that could not be reached or kept failing with 5xx.
 */
public class SchemaRegistryException extends RuntimeException {

    /** Confluent error code: subject not found. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Confluent error code: version not found. */
    public static final int VERSION_NOT_FOUND = 40402;
    /** Confluent error code: schema not found (unknown id, or a lookup of a schema not registered under the subject). */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** Confluent error code: the schema is incompatible with an earlier one under the subject's compatibility rule. */
    public static final int INCOMPATIBLE_SCHEMA = 409;
    /** Confluent error code: the schema is invalid. */
    public static final int INVALID_SCHEMA = 42201;

    private static final long serialVersionUID = 1L;

    private final int status;
    private final int errorCode;
    private final String registryMessage;
    private final URI url;

    public SchemaRegistryException(String message, URI url, int status, int errorCode, String registryMessage,
                                   Throwable cause) {
        super(message, cause);
        this.url = url;
        this.status = status;
        this.errorCode = errorCode;
        this.registryMessage = registryMessage;
    }

    public SchemaRegistryException(String message, URI url, int status, int errorCode, String registryMessage) {
        this(message, url, status, errorCode, registryMessage, null);
    }

    /** HTTP status of the answer, or {@code -1} when there was none (connection failure). */
    public int getStatus() {
        return status;
    }

    /** The registry's {@code error_code}, or {@code -1} when the answer carried none. */
    public int getErrorCode() {
        return errorCode;
    }

    /** The registry's {@code message}, or the start of the raw body when it was not Confluent JSON; may be null. */
    public String getRegistryMessage() {
        return registryMessage;
    }

    /** The request URL that failed last; may be null. */
    public URI getUrl() {
        return url;
    }

    /** 401 (no or wrong credentials) or 403 (the account may not do this): the configuration's fault, not the data's. */
    public boolean isAuthenticationOrAuthorizationFailure() {
        return status == 401 || status == 403;
    }

    /** True for a 404 answer: unknown subject, version or schema. */
    public boolean isNotFound() {
        return status == 404 || errorCode / 100 == 404;
    }
}
