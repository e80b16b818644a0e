package dev.outbox.schemas;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaEvolutionCheckTest {

    private static final String V1 = """
            {"type": "record", "name": "Thing", "namespace": "t", "fields": [
              {"name": "id", "type": "string"},
              {"name": "address", "type": {"type": "record", "name": "Address", "fields": [
                {"name": "street", "type": "string"}]}}]}""";

    private static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }

    @Test
    void the_schemas_of_this_build_are_compatible_with_every_released_version() throws Exception {
        List<String> problems = SchemaEvolutionCheck.checkAll(Path.of("src/main/released"),
                SchemaEvolutionCheck::currentSchema);
        assertThat(problems).isEmpty();
    }

    @Test
    void adding_an_optional_field_with_a_default_is_compatible_both_ways() {
        Schema v2 = parse(V1.replace("{\"name\": \"street\", \"type\": \"string\"}",
                "{\"name\": \"street\", \"type\": \"string\"}, {\"name\": \"note\", \"type\": [\"null\", \"string\"], \"default\": null}"));
        assertThat(SchemaEvolutionCheck.check("Thing v1", parse(V1), v2)).isEmpty();
    }

    @Test
    void a_field_added_without_a_default_breaks_backward_compatibility_and_the_message_names_it() {
        Schema v2 = parse(V1.replace("{\"name\": \"street\", \"type\": \"string\"}",
                "{\"name\": \"street\", \"type\": \"string\"}, {\"name\": \"zip\", \"type\": \"string\"}"));
        List<String> problems = SchemaEvolutionCheck.check("Thing v1", parse(V1), v2);
        assertThat(problems).singleElement().asString()
                .contains("backward").contains("field 'address.zip'").contains("READER_FIELD_MISSING_DEFAULT_VALUE");
    }

    @Test
    void a_retyped_field_breaks_both_directions() {
        Schema v2 = parse(V1.replace("{\"name\": \"id\", \"type\": \"string\"}", "{\"name\": \"id\", \"type\": \"int\"}"));
        List<String> problems = SchemaEvolutionCheck.check("Thing v1", parse(V1), v2);
        assertThat(problems).hasSize(2).allSatisfy(p -> assertThat(p).contains("field 'id'").contains("TYPE_MISMATCH"));
    }

    @Test
    void every_released_version_is_checked_not_only_the_latest(@TempDir Path released) throws Exception {
        Path dir = Files.createDirectories(released.resolve("t.Thing"));
        Files.writeString(dir.resolve("v1.avsc"), V1);
        // v2 dropped the required field "id"; the current schema reads v2 data fine but not v1's, which still exists
        Files.writeString(dir.resolve("v2.avsc"), V1.replace("{\"name\": \"id\", \"type\": \"string\"},", ""));
        Schema current = parse(V1.replace("{\"name\": \"id\", \"type\": \"string\"},",
                "{\"name\": \"id\", \"type\": \"long\", \"default\": 0},"));

        List<String> problems = SchemaEvolutionCheck.checkAll(released, name -> current);

        assertThat(problems).isNotEmpty().allSatisfy(p -> assertThat(p).contains("t.Thing v1.avsc"));
    }
}
