package dev.outbox.registry.http;

import org.springframework.http.HttpStatus;

/**
 * Every refusal the registry answers with, with Confluent's error codes, HTTP statuses and message texts (from
 * Confluent's {@code Errors} and {@code Rest*Exception} classes), so that clients that match on them keep working.
 */
public final class Errors {

    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int SUBJECT_SOFT_DELETED = 40404;
    public static final int SUBJECT_NOT_SOFT_DELETED = 40405;
    public static final int VERSION_SOFT_DELETED = 40406;
    public static final int VERSION_NOT_SOFT_DELETED = 40407;
    public static final int SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408;
    public static final int SUBJECT_MODE_NOT_CONFIGURED = 40409;
    /** Confluent 7.x/8.x answer 409 here; Confluent's unreleased main branch has moved to 40901. */
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;
    public static final int INVALID_VERSION = 42202;
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    public static final int INVALID_MODE = 42204;
    public static final int OPERATION_NOT_PERMITTED = 42205;
    public static final int REFERENCE_EXISTS = 42206;
    public static final int INVALID_SUBJECT = 42208;
    public static final int STORE_ERROR = 50001;

    private static final HttpStatus UNPROCESSABLE = HttpStatus.UNPROCESSABLE_CONTENT;

    private Errors() {
    }

    public static RegistryException subjectNotFound(String subject) {
        return new RegistryException(HttpStatus.NOT_FOUND, SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    public static RegistryException versionNotFound(int version) {
        return new RegistryException(HttpStatus.NOT_FOUND, VERSION_NOT_FOUND, "Version " + version + " not found.");
    }

    public static RegistryException schemaNotFound() {
        return new RegistryException(HttpStatus.NOT_FOUND, SCHEMA_NOT_FOUND, "Schema not found");
    }

    public static RegistryException schemaNotFound(int id) {
        return new RegistryException(HttpStatus.NOT_FOUND, SCHEMA_NOT_FOUND, "Schema " + id + " not found");
    }

    // Confluent's texts for these two lack the space after the first full stop; kept verbatim.
    public static RegistryException subjectSoftDeleted(String subject) {
        return new RegistryException(HttpStatus.NOT_FOUND, SUBJECT_SOFT_DELETED,
                "Subject '" + subject + "' was soft deleted.Set permanent=true to delete permanently");
    }

    public static RegistryException versionSoftDeleted(String subject, String version) {
        return new RegistryException(HttpStatus.NOT_FOUND, VERSION_SOFT_DELETED,
                "Subject '" + subject + "' Version " + version + " was soft deleted.Set permanent=true to delete permanently");
    }

    public static RegistryException subjectNotSoftDeleted(String subject) {
        return new RegistryException(HttpStatus.NOT_FOUND, SUBJECT_NOT_SOFT_DELETED,
                "Subject '" + subject + "' was not deleted first before being permanently deleted");
    }

    public static RegistryException versionNotSoftDeleted(String subject, String version) {
        return new RegistryException(HttpStatus.NOT_FOUND, VERSION_NOT_SOFT_DELETED,
                "Subject '" + subject + "' Version " + version + " was not deleted first before being permanently deleted");
    }

    public static RegistryException subjectCompatibilityNotConfigured(String subject) {
        return new RegistryException(HttpStatus.NOT_FOUND, SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                "Subject '" + subject + "' does not have subject-level compatibility configured");
    }

    public static RegistryException subjectModeNotConfigured(String subject) {
        return new RegistryException(HttpStatus.NOT_FOUND, SUBJECT_MODE_NOT_CONFIGURED,
                "Subject '" + subject + "' does not have subject-level mode configured");
    }

    public static RegistryException incompatibleSchema(String message) {
        return new RegistryException(HttpStatus.CONFLICT, INCOMPATIBLE_SCHEMA, message);
    }

    public static RegistryException invalidSchema(String message) {
        return new RegistryException(UNPROCESSABLE, INVALID_SCHEMA, message);
    }

    public static RegistryException invalidVersion(String version) {
        return new RegistryException(UNPROCESSABLE, INVALID_VERSION, "The specified version '" + version
                + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    public static RegistryException invalidCompatibilityLevel() {
        return new RegistryException(UNPROCESSABLE, INVALID_COMPATIBILITY_LEVEL, "Invalid compatibility level."
                + " Valid values are none, backward, forward, full, backward_transitive, forward_transitive,"
                + " and full_transitive");
    }

    public static RegistryException invalidMode() {
        return new RegistryException(UNPROCESSABLE, INVALID_MODE,
                "Invalid mode. Valid values are READWRITE, READONLY, and IMPORT.");
    }

    public static RegistryException operationNotPermitted(String message) {
        return new RegistryException(UNPROCESSABLE, OPERATION_NOT_PERMITTED, message);
    }

    public static RegistryException referenceExists(String subject, int version) {
        return new RegistryException(UNPROCESSABLE, REFERENCE_EXISTS, "One or more references exist to the schema "
                + "{subject=" + subject + ",version=" + version + "}.");
    }

    public static RegistryException invalidSubject(String subject) {
        return new RegistryException(UNPROCESSABLE, INVALID_SUBJECT,
                "The specified subject '" + subject + "' is not a valid.");
    }

    public static RegistryException storeError(String message) {
        return new RegistryException(HttpStatus.INTERNAL_SERVER_ERROR, STORE_ERROR, message);
    }

    /** What JAX-RS answers for a route or parameter it cannot match, which Confluent's clients expect. */
    public static RegistryException plainHttp(HttpStatus status) {
        return new RegistryException(status, status.value(), "HTTP " + status.value() + " " + status.getReasonPhrase());
    }
}
