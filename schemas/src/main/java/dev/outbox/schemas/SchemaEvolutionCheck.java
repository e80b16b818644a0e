package dev.outbox.schemas;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fails the build when a schema in {@code src/main/avro} can no longer work with a version already released.
 *
 * <p>Every released version of a schema is kept in {@code src/main/released/<full name>/v<n>.avsc}. Events are
 * read by consumers of every age and written by producers of every age, so the rule is FULL_TRANSITIVE: the current
 * schema must read data of every released version (backward) and every released version must read data of the
 * current schema (forward). Avro's own {@link SchemaCompatibility} decides; its report names the field.
 *
 * <p>Run in the {@code process-classes} phase of the schemas module, so even {@code -DskipTests} does not skip it.
 */
public final class SchemaEvolutionCheck {

    private SchemaEvolutionCheck() {
    }

    public static void main(String[] args) throws Exception {
        Path released = Path.of(args.length > 0 ? args[0] : "src/main/released");
        if (args.length > 2 && args[1].equals("release")) {
            for (String fullName : args[2].split(",")) {
                System.out.println("[schemas] released " + release(released, fullName.trim()));
            }
            return;
        }
        List<String> problems = checkAll(released, SchemaEvolutionCheck::currentSchema);
        if (!problems.isEmpty()) {
            String report = String.join("\n", problems);
            throw new IllegalStateException("Incompatible schema change (FULL_TRANSITIVE against released versions):\n"
                    + report + "\nKeep the change compatible (add fields with defaults, do not remove or retype"
                    + " fields without defaults), or introduce a new event type.");
        }
        System.out.println("[schemas] evolution check passed for every released schema in " + released);
    }

    /**
     * Records the current schema of {@code fullName} as its next released version ({@code v<n+1>.avsc}, the schema
     * with every named type inline), so that later changes are checked against it.
     */
    static Path release(Path releasedRoot, String fullName) throws IOException {
        Path dir = Files.createDirectories(releasedRoot.resolve(fullName));
        int next;
        try (Stream<Path> versions = Files.list(dir)) {
            next = 1 + versions.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("v\\d+\\.avsc"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.length() - 5))).max().orElse(0);
        }
        Path file = dir.resolve("v" + next + ".avsc");
        Files.writeString(file, currentSchema(fullName).toString(true) + System.lineSeparator());
        return file;
    }

    /** The schema the build currently generates for a full name, from its generated class. */
    static Schema currentSchema(String fullName) {
        try {
            return (Schema) Class.forName(fullName).getField("SCHEMA$").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Released schema " + fullName + " has no generated class any more;"
                    + " a released event type must not be removed", e);
        }
    }

    /** Checks each released subject directory against the current schema; returns one line per problem. */
    static List<String> checkAll(Path releasedRoot, java.util.function.Function<String, Schema> current)
            throws IOException {
        List<String> problems = new ArrayList<>();
        try (Stream<Path> subjects = Files.list(releasedRoot)) {
            for (Path dir : subjects.filter(Files::isDirectory).sorted().toList()) {
                String fullName = dir.getFileName().toString();
                Schema now = current.apply(fullName);
                try (Stream<Path> versions = Files.list(dir)) {
                    for (Path file : versions.filter(f -> f.toString().endsWith(".avsc"))
                            .sorted(Comparator.comparing(Path::toString)).toList()) {
                        Schema old = new Schema.Parser().parse(file.toFile());
                        problems.addAll(check(fullName + " " + file.getFileName(), old, now));
                    }
                }
            }
        }
        return problems;
    }

    /** Both directions between one released version and the current schema. */
    public static List<String> check(String label, Schema released, Schema current) {
        List<String> problems = new ArrayList<>();
        describe(problems, label, current, "current schema cannot read data written with the released one (backward)",
                SchemaCompatibility.checkReaderWriterCompatibility(current, released));
        describe(problems, label, released, "readers of the released schema cannot read data written with the current one (forward)",
                SchemaCompatibility.checkReaderWriterCompatibility(released, current));
        return problems;
    }

    private static void describe(List<String> problems, String label, Schema reader, String direction,
                                 SchemaCompatibility.SchemaPairCompatibility result) {
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        for (Incompatibility i : result.getResult().getIncompatibilities()) {
            problems.add("  " + label + ": " + direction + ": field '" + fieldPath(reader, i.getLocation())
                    + "': " + i.getType() + " - " + i.getMessage());
        }
    }

    /** Turns Avro's JSON-pointer location ("/fields/4/type/fields/0") into a field path ("deliveryAddress.street"). */
    static String fieldPath(Schema reader, String location) {
        List<String> names = new ArrayList<>();
        Schema schema = reader;
        String[] steps = location.split("/");
        for (int k = 1; k < steps.length && schema != null; k++) {
            switch (steps[k]) {
                case "fields" -> {
                    if (k + 1 < steps.length && schema.getType() == Schema.Type.RECORD) {
                        Schema.Field field = schema.getFields().get(Integer.parseInt(steps[++k]));
                        names.add(field.name());
                        schema = field.schema();
                    }
                }
                case "items" -> schema = schema.getType() == Schema.Type.ARRAY ? schema.getElementType() : null;
                case "values" -> schema = schema.getType() == Schema.Type.MAP ? schema.getValueType() : null;
                case "type" -> { }
                default -> {
                    if (schema.getType() == Schema.Type.UNION && steps[k].matches("\\d+")) {
                        schema = schema.getTypes().get(Integer.parseInt(steps[k]));
                    }
                }
            }
        }
        return names.isEmpty() ? "(record " + reader.getFullName() + ")" : String.join(".", names);
    }
}
