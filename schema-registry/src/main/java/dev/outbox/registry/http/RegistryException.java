package dev.outbox.registry.http;

import org.springframework.http.HttpStatus;

/** A refusal with Confluent's HTTP status and error code; rendered as {@code {"error_code":..,"message":..}}. */
public class RegistryException extends RuntimeException {

    private final HttpStatus status;
    private final int errorCode;

    public RegistryException(HttpStatus status, int errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public HttpStatus status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }
}
