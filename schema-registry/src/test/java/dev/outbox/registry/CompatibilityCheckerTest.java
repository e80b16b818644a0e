package dev.outbox.registry;

import dev.outbox.registry.compatibility.CompatibilityChecker;
import dev.outbox.registry.compatibility.CompatibilityChecker.Previous;
import dev.outbox.registry.config.CompatibilityLevel;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.outbox.registry.support.TestSchemas.field;
import static dev.outbox.registry.support.TestSchemas.record;
import static org.assertj.core.api.Assertions.assertThat;

/** Avro's SchemaCompatibility, worded as Confluent words it. */
class CompatibilityCheckerTest {

    private static final String V1 = record("R", field("a", "string"));
    private static final String WITH_B = record("R", field("a", "string"), field("b", "string"));

    private static Previous previous(int version, String text) {
        Schema schema = new Schema.Parser().parse(text);
        return new Previous(version, schema, schema.toString());
    }

    private static Schema schema(String text) {
        return new Schema.Parser().parse(text);
    }

    @Test
    void backwardFindingsReadAsConfluentsWithTheOldSchemaAndTheLevel() {
        List<String> messages = CompatibilityChecker.check(CompatibilityLevel.BACKWARD, schema(WITH_B),
                List.of(previous(1, V1)));
        assertThat(messages).containsExactly(
                "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'b' at path '/fields/1' in the"
                        + " new schema has no default value and is missing in the old schema', additionalInfo:'b',"
                        + " field:'b'}",
                "{oldSchemaVersion: 1}",
                "{oldSchema: '" + schema(V1) + "'}",
                "{validateFields: 'false', compatibility: 'BACKWARD'}");
    }

    @Test
    void aFindingNamesTheFieldANestedOneByItsPath() {
        String v1 = """
                {"type": "record", "name": "R", "fields": [
                  {"name": "a", "type": "string"},
                  {"name": "address", "type": {"type": "record", "name": "Address", "fields": [
                    {"name": "street", "type": "string"},
                    {"name": "note", "type": ["null", "string"], "default": null}]}}]}""";
        String broken = v1.replace("{\"name\": \"note\", \"type\": [\"null\", \"string\"]",
                "{\"name\": \"note\", \"type\": [\"null\", \"int\"]");

        List<String> messages = CompatibilityChecker.check(CompatibilityLevel.BACKWARD, schema(broken),
                List.of(previous(2, v1)));

        assertThat(messages.get(0)).contains("MISSING_UNION_BRANCH", "field:'address.note'");
    }

    @Test
    void forwardIsTheOldSchemaReadingTheNewOne() {
        // removing a field the old schema requires: old readers cannot read new data
        List<String> messages = CompatibilityChecker.check(CompatibilityLevel.FORWARD, schema(V1),
                List.of(previous(3, WITH_B)));
        assertThat(messages.get(0)).contains("READER_FIELD_MISSING_DEFAULT_VALUE", "in the old schema has no default"
                + " value and is missing in the new schema");
        assertThat(messages).contains("{oldSchemaVersion: 3}");
        // adding a field is fine for old readers
        assertThat(CompatibilityChecker.check(CompatibilityLevel.FORWARD, schema(WITH_B), List.of(previous(1, V1)))).isEmpty();
    }

    @Test
    void fullChecksBothDirections() {
        assertThat(CompatibilityChecker.check(CompatibilityLevel.FULL, schema(WITH_B), List.of(previous(1, V1))))
                .anyMatch(m -> m.contains("in the new schema has no default value"));
        assertThat(CompatibilityChecker.check(CompatibilityLevel.FULL, schema(V1), List.of(previous(1, WITH_B))))
                .anyMatch(m -> m.contains("in the old schema has no default value"))
                .contains("{validateFields: 'false', compatibility: 'FULL'}");
        String withDefault = record("R", field("a", "string"), field("b", "string", "\"x\""));
        assertThat(CompatibilityChecker.check(CompatibilityLevel.FULL, schema(withDefault), List.of(previous(1, V1)))).isEmpty();
    }

    @Test
    void nonTransitiveLevelsCheckTheLatestOnlyTransitiveOnesAll() {
        String v1 = record("R", field("a", "string"));
        String v2 = record("R", field("a", "string"), field("b", "string", "\"x\""));
        String v3 = record("R", field("b", "string"));
        List<Previous> newestFirst = List.of(previous(2, v2), previous(1, v1));
        assertThat(CompatibilityChecker.check(CompatibilityLevel.BACKWARD, schema(v3), newestFirst)).isEmpty();
        assertThat(CompatibilityChecker.check(CompatibilityLevel.BACKWARD_TRANSITIVE, schema(v3), newestFirst))
                .contains("{oldSchemaVersion: 1}");
        assertThat(CompatibilityChecker.check(CompatibilityLevel.NONE, schema(record("R", field("a", "int"))),
                newestFirst)).isEmpty();
    }

    @Test
    void typeChangesAndEnumSymbolsAreNamed() {
        String intA = record("R", field("a", "int"));
        assertThat(CompatibilityChecker.check(CompatibilityLevel.BACKWARD, schema(intA), List.of(previous(1, V1))).get(0))
                .startsWith("{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in"
                        + " the new schema does not match with the old schema'");
        String enumAb = "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"]}";
        String enumA = "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"]}";
        assertThat(CompatibilityChecker.check(CompatibilityLevel.BACKWARD, schema(enumA), List.of(previous(1, enumAb))).get(0))
                .contains("MISSING_ENUM_SYMBOLS", "The new schema is missing enum symbols '[B]'");
    }
}
