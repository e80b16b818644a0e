package dev.outbox.registry.http;

import org.springframework.http.MediaType;

/**
 * The content types Confluent's registry speaks. Responses default to the versioned one (first in {@link #PRODUCED});
 * requests may also come as plain JSON, or as octet-stream (what a client sends when it sets no content type).
 */
public final class RegistryMediaTypes {

    public static final String V1_JSON = "application/vnd.schemaregistry.v1+json";
    public static final String DEFAULT_JSON = "application/vnd.schemaregistry+json";
    public static final String JSON = MediaType.APPLICATION_JSON_VALUE;
    public static final String GENERIC_REQUEST = MediaType.APPLICATION_OCTET_STREAM_VALUE;

    /** In order of preference: with an Accept of {@code *}{@code /*} or none, the first one is served. */
    public static final String[] PRODUCED = {V1_JSON, DEFAULT_JSON, JSON};

    private RegistryMediaTypes() {
    }

    /** The type an error body is written in: the client's preferred registry type, else the versioned default. */
    public static MediaType forAccept(String accept) {
        if (accept == null || accept.isBlank()) {
            return MediaType.parseMediaType(V1_JSON);
        }
        try {
            for (MediaType wanted : MediaType.parseMediaTypes(accept)) {
                for (String produced : PRODUCED) {
                    MediaType candidate = MediaType.parseMediaType(produced);
                    if (wanted.includes(candidate)) {
                        return candidate;
                    }
                }
            }
        } catch (RuntimeException unparseable) {
            // a malformed Accept header gets the default
        }
        return MediaType.parseMediaType(V1_JSON);
    }
}
