package dev.outbox.registry.http;

import dev.outbox.registry.error.RegistryException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
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
            throw new RegistryException(HttpStatus.BAD_REQUEST, 400, "Malformed JSON in request body: "
                    + e.getOriginalMessage());
        } catch (DatabindException e) {
            throw new RegistryException(HttpStatus.UNPROCESSABLE_CONTENT, 422, "Unexpected JSON in request body: "
                    + e.getOriginalMessage());
        }
        if (value == null) {
            throw new RegistryException(HttpStatus.UNPROCESSABLE_CONTENT, 422, "Request body is missing");
        }
        return value;
    }

    /** Query flags as JAX-RS (and so Confluent) reads them: "true" in any case is true, anything else false. */
    public static boolean flag(String value) {
        return Boolean.parseBoolean(value);
    }
}
