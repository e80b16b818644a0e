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
                messages.addAll(format(incompatibilities(previous.schema(), candidate), previous, "old", "new",
                        !level.backward()));
            }
            if (level.backward()) {
                // the new schema reads what the old one wrote
                messages.addAll(format(incompatibilities(candidate, previous.schema()), previous, "new", "old", true));
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

    private static List<String> format(List<Incompatibility> found, Previous previous, String reader, String writer,
                                       boolean appendSchema) {
        List<String> messages = new ArrayList<>();
        for (Incompatibility incompatibility : found) {
            messages.add(describe(incompatibility, reader, writer));
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

    /** One finding in Confluent's words; {@code reader}/{@code writer} are "new" or "old". */
    static String describe(Incompatibility incompatibility, String reader, String writer) {
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
                + "', additionalInfo:'" + message + "'}";
    }
}
