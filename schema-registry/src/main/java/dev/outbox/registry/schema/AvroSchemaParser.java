package dev.outbox.registry.schema;

import dev.outbox.registry.http.Errors;
import dev.outbox.registry.storage.SchemaReference;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parses Avro schema text into the registry's normalised form.
 *
 * <p>The normal form is Avro's own {@code Schema.toString()} of the parsed schema, which is what Confluent stores and
 * compares: whitespace, key order and formatting disappear, while docs, defaults, aliases, logical types and custom
 * properties stay (Parsing Canonical Form would drop them, and two schemas differing only in a default are different
 * schemas to a reader). Types taken from references are written by name, not inlined.
 */
public final class AvroSchemaParser {

    private AvroSchemaParser() {
    }

    /**
     * @param referencedTexts the texts of the referenced schemas, dependencies first
     * @param validateDefaults true for schemas being registered (as Confluent does for new schemas); false when
     *                         looking up or re-reading stored ones
     */
    public static ParsedSchema parse(String text, List<SchemaReference> references, List<String> referencedTexts,
                                     boolean validateDefaults) {
        if (text == null || text.isBlank()) {
            throw Errors.invalidSchema("Empty schema");
        }
        Schema.Parser parser = new Schema.Parser().setValidateDefaults(validateDefaults);
        List<Schema> referenced = new ArrayList<>();
        Schema schema;
        try {
            for (String referencedText : referencedTexts) {
                referenced.add(parser.parse(referencedText));
            }
            schema = parser.parse(text);
        } catch (RuntimeException e) {
            List<String> texts = new ArrayList<>(referencedTexts);
            texts.add(text);
            throw Errors.invalidSchema("Invalid schema of type AVRO, details: " + details(e, texts));
        }
        String canonical = referenced.isEmpty() ? schema.toString() : schema.toString(referenced, false);
        return new ParsedSchema(schema, canonical, List.copyOf(references),
                fingerprint(ParsedSchema.AVRO, canonical, references));
    }

    /**
     * What was wrong, in plain words: where one of the {@code texts} Avro was given is not JSON, that and where
     * (Avro's wrapped JSON parser error names the parser's classes and the input source); otherwise Avro's own
     * message, which quotes the offending part of the schema.
     */
    static String details(RuntimeException e, List<String> texts) {
        for (String text : texts) {
            Optional<String> notJson = jsonSyntaxError(text);
            if (notJson.isPresent()) {
                return notJson.get();
            }
        }
        String message = e.getMessage();
        if (!(e instanceof org.apache.avro.AvroRuntimeException) || message == null || message.isBlank()) {
            return "the schema could not be parsed";
        }
        // a wrapped exception's message starts with its class name
        return JAVA_CLASS_PREFIX.matcher(message).replaceAll("");
    }

    /**
     * Reads {@code text} as Avro's parser reads it (comments allowed, the first JSON value only), with the
     * registry's own Jackson: Avro's runs on another generation of it, whose exceptions this code does not name.
     */
    private static Optional<String> jsonSyntaxError(String text) {
        try {
            AVRO_LIKE_JSON.readTree(text);
            return Optional.empty();
        } catch (StreamReadException json) {
            TokenStreamLocation location = json.getLocation();
            return Optional.of("the schema is not valid JSON" + (location == null || location.getLineNr() < 1 ? ""
                    : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")"));
        } catch (JacksonException other) {
            return Optional.empty();
        }
    }

    private static final JsonMapper AVRO_LIKE_JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final java.util.regex.Pattern JAVA_CLASS_PREFIX =
            java.util.regex.Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error): ");

    /** SHA-256 over type, normalised text and references, with separators no JSON text contains unescaped. */
    static byte[] fingerprint(String schemaType, String canonical, List<SchemaReference> references) {
        StringBuilder input = new StringBuilder(schemaType).append('\u0000').append(canonical);
        for (SchemaReference r : references) {
            input.append('\u0000').append(r.name()).append('\u0001').append(r.subject()).append('\u0001').append(r.version());
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(input.toString().getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
