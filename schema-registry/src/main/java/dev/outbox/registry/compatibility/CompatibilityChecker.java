package dev.outbox.registry.compatibility;

import dev.outbox.registry.config.CompatibilityLevel;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility;

/**
 * Checks a new schema against earlier versions with Avro's own {@link SchemaCompatibility}, and words the findings
 * as Confluent does (its {@code SchemaValidatorBuilder} and {@code Difference}), so that messages read the same.
 *
 * <p>Backward: the new schema must read data written with the old one. Forward: the old schema must read data
 * written with the new one. Full: both. Non-transitive levels check the latest live version only; transitive levels
 * check every live version, newest first, and stop at the first incompatible one.
 */
public final class CompatibilityChecker {

    private static final int MAX_SCHEMA_SIZE_IN_MESSAGE = 10 * 1024;

    private CompatibilityChecker() {
    }

    /** An earlier version to check against. */
    public record Previous(int version, Schema schema, String canonical) {
    }

    /**
     * @param previousNewestFirst the live versions, newest first
     * @return the incompatibilities found, empty when compatible
     */
    public static List<String> check(CompatibilityLevel level, Schema candidate, List<Previous> previousNewestFirst) {
        if (level == CompatibilityLevel.NONE || previousNewestFirst.isEmpty()) {
            return List.of();
        }
        List<Previous> targets = level.transitive() ? previousNewestFirst : previousNewestFirst.subList(0, 1);
        for (Previous previous : targets) {
            List<String> messages = new ArrayList<>();
            if (level.forward()) {
                // the old schema reads what the new one writes
                messages.addAll(format(incompatibilities(previous.schema(), candidate), previous.schema(), previous,
                        "old", "new", !level.backward()));
            }
            if (level.backward()) {
                // the new schema reads what the old one wrote
                messages.addAll(format(incompatibilities(candidate, previous.schema()), candidate, previous, "new",
                        "old", true));
            }
            if (!messages.isEmpty()) {
                messages.add("{validateFields: 'false', compatibility: '" + level.name() + "'}");
                return messages;
            }
        }
        return List.of();
    }

    private static List<Incompatibility> incompatibilities(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult().getIncompatibilities();
    }

    private static List<String> format(List<Incompatibility> found, Schema readerSchema, Previous previous,
                                       String reader, String writer, boolean appendSchema) {
        List<String> messages = new ArrayList<>();
        for (Incompatibility incompatibility : found) {
            messages.add(describe(incompatibility, readerSchema, reader, writer));
        }
        if (!messages.isEmpty() && appendSchema) {
            messages.add("{oldSchemaVersion: " + previous.version() + "}");
            String old = previous.canonical();
            messages.add(old.length() <= MAX_SCHEMA_SIZE_IN_MESSAGE ? "{oldSchema: '" + old + "'}"
                    : "{oldSchema: <truncated to " + MAX_SCHEMA_SIZE_IN_MESSAGE + " characters> '"
                    + old.substring(0, MAX_SCHEMA_SIZE_IN_MESSAGE) + "'}");
        }
        return messages;
    }

    /**
     * One finding in Confluent's words; {@code reader}/{@code writer} are "new" or "old". Confluent names the place by
     * its JSON pointer only ({@code /fields/7/type/1}); the {@code field} that follows names it as a reader would
     * ({@code giftMessage}, {@code deliveryAddress.street}).
     */
    static String describe(Incompatibility incompatibility, Schema readerSchema, String reader, String writer) {
        String path = incompatibility.getLocation();
        String message = incompatibility.getMessage();
        String description = switch (incompatibility.getType()) {
            case FIXED_SIZE_MISMATCH -> "The size of FIXED type field at path '" + path + "' in the " + reader
                    + " schema does not match with the " + writer + " schema";
            case TYPE_MISMATCH -> "The type (path '" + path + "') of a field in the " + reader
                    + " schema does not match with the " + writer + " schema";
            case NAME_MISMATCH -> "The name of the schema has changed (path '" + path + "')";
            case MISSING_ENUM_SYMBOLS -> "The " + reader + " schema is missing enum symbols '" + message
                    + "' at path '" + path + "' in the " + writer + " schema";
            case MISSING_UNION_BRANCH -> "The " + reader + " schema is missing a type inside a union field at path '"
                    + path + "' in the " + writer + " schema";
            case READER_FIELD_MISSING_DEFAULT_VALUE -> "The field '" + message + "' at path '" + path + "' in the "
                    + reader + " schema has no default value and is missing in the " + writer + " schema";
            default -> "";
        };
        return "{errorType:'" + incompatibility.getType() + "', description:'" + description
                + "', additionalInfo:'" + message + "', field:'" + fieldPath(readerSchema, path) + "'}";
    }

    /**
     * Avro's JSON-pointer location ({@code /fields/4/type/fields/0}) as a field path ({@code deliveryAddress.street}).
     * (The schemas module's build check words its findings the same way; the registry does not depend on it.)
     */
    static String fieldPath(Schema reader, String location) {
        List<String> names = new ArrayList<>();
        Schema schema = reader;
        String[] steps = location == null ? new String[0] : location.split("/");
        for (int k = 1; k < steps.length && schema != null; k++) {
            switch (steps[k]) {
                case "fields" -> {
                    if (k + 1 < steps.length && schema.getType() == Schema.Type.RECORD
                            && Integer.parseInt(steps[k + 1]) < schema.getFields().size()) {
                        Schema.Field field = schema.getFields().get(Integer.parseInt(steps[++k]));
                        names.add(field.name());
                        schema = field.schema();
                    }
                }
                case "items" -> schema = schema.getType() == Schema.Type.ARRAY ? schema.getElementType() : null;
                case "values" -> schema = schema.getType() == Schema.Type.MAP ? schema.getValueType() : null;
                case "type" -> { }
                default -> {
                    if (schema.getType() == Schema.Type.UNION && steps[k].matches("\\d+")
                            && Integer.parseInt(steps[k]) < schema.getTypes().size()) {
                        schema = schema.getTypes().get(Integer.parseInt(steps[k]));
                    }
                }
            }
        }
        return names.isEmpty() ? "(the record " + reader.getFullName() + ")" : String.join(".", names);
    }
}
