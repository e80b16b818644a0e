package dev.outbox.registry.http;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads request bodies. Bodies arrive as bytes and are parsed here rather than by a message converter, so that every
 * content type Confluent accepts is accepted and a malformed body gets Confluent's answer (400 for broken JSON, 422
 * for JSON of the wrong shape) instead of a framework error page.
 */
@Component
public class RequestBodies {

    private final JsonMapper mapper = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public <T> T read(byte[] body, Class<T> type) {
        if (body == null || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            throw new RegistryException(HttpStatus.UNPROCESSABLE_CONTENT, 422, "Request body is missing");
        }
        T value;
        try {
            value = mapper.readValue(body, type);
        } catch (StreamReadException e) {
            // plain words: Jackson's own message names its tokens, and the input source
            throw new RegistryException(HttpStatus.BAD_REQUEST, 400, "Malformed JSON in request body" + where(e));
        } catch (DatabindException e) {
            // ... and this one the class it was binding to
            throw new RegistryException(HttpStatus.UNPROCESSABLE_CONTENT, 422, "Unexpected JSON in request body: "
                    + (e.getPath().isEmpty() ? "expected a JSON object" : "wrong type or value for '" + path(e) + "'"));
        }
        if (value == null) {
            throw new RegistryException(HttpStatus.UNPROCESSABLE_CONTENT, 422, "Request body is missing");
        }
        return value;
    }

    private static String where(JacksonException e) {
        TokenStreamLocation location = e.getLocation();
        return location == null || location.getLineNr() < 1 ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** {@code references[0].subject}: the field names and indexes of the request, nothing of the classes. */
    private static String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** Query flags as JAX-RS (and so Confluent) reads them: "true" in any case is true, anything else false. */
    public static boolean flag(String value) {
        return Boolean.parseBoolean(value);
    }
}
