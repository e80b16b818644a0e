package dev.outbox.registry.schema;

import dev.outbox.registry.error.Errors;
import org.apache.avro.Schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

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
            throw Errors.invalidSchema("Invalid schema of type AVRO, details: " + details(e));
        }
        String canonical = referenced.isEmpty() ? schema.toString() : schema.toString(referenced, false);
        return new ParsedSchema(schema, canonical, List.copyOf(references),
                fingerprint(ParsedSchema.AVRO, canonical, references));
    }

    /**
     * What was wrong, in plain words: Avro's own messages (they quote the offending part of the schema), except where
     * Avro wraps a JSON parser error, whose text names the parser's classes and the input source.
     */
    static String details(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof com.fasterxml.jackson.core.JsonProcessingException json) {
                com.fasterxml.jackson.core.JsonLocation location = json.getLocation();
                return "the schema is not valid JSON" + (location == null || location.getLineNr() < 1 ? ""
                        : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")");
            }
        }
        String message = e.getMessage();
        if (!(e instanceof org.apache.avro.AvroRuntimeException) || message == null || message.isBlank()) {
            return "the schema could not be parsed";
        }
        // a wrapped exception's message starts with its class name
        return JAVA_CLASS_PREFIX.matcher(message).replaceAll("");
    }

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
