package dev.outbox.registry;

import dev.outbox.registry.support.RegistryClient;
import dev.outbox.registry.support.RegistryClient.Response;
import dev.outbox.registry.support.RegistryTestEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static dev.outbox.registry.support.RegistryClient.schemaBody;
import static dev.outbox.registry.support.TestSchemas.field;
import static dev.outbox.registry.support.TestSchemas.record;
import static dev.outbox.registry.support.TestSchemas.subject;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every compatibility level, each with a change it accepts and one it refuses, on registration and on the
 * compatibility test endpoints.
 */
@ExtendWith(RegistryTestEnvironment.class)
class CompatibilityApiTest {

    private static RegistryClient registry;
    private String name;

    @BeforeAll
    static void connect(RegistryClient client) {
        registry = client;
    }

    @BeforeEach
    void recordNameOfThisTest() {
        name = "Event_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    /** History, then a change the level accepts and one it refuses (each against that history). */
    static Stream<Arguments> levels() {
        String a = field("a", "string");
        String aDefault = field("a", "string", "\"d\"");
        String bDefault = field("b", "string", "\"x\"");
        String b = field("b", "string");
        return Stream.of(
                // new readers must read old data: adding a field needs a default
                Arguments.of("BACKWARD", List.of(List.of(a)), List.of(a, bDefault), List.of(a, b)),
                // old readers must read new data: a field they require cannot go
                Arguments.of("FORWARD", List.of(List.of(a, b)), List.of(a, b, field("c", "int")), List.of(a)),
                // both directions
                Arguments.of("FULL", List.of(List.of(a)), List.of(a, bDefault), List.of(a, b)),
                // anything goes
                Arguments.of("NONE", List.of(List.of(a)), List.of(field("a", "int")), null),
                // v3 = {b} is backward compatible with v2 = {a, b=x} but not with v1 = {a}
                Arguments.of("BACKWARD_TRANSITIVE", List.of(List.of(a), List.of(a, bDefault)),
                        List.of(a, bDefault, field("c", "int", "0")), List.of(b)),
                // v3 = {b=x} is forward compatible with v2 = {a=d} but not with v1 = {a}
                Arguments.of("FORWARD_TRANSITIVE", List.of(List.of(a), List.of(aDefault)),
                        List.of(a, field("c", "int")), List.of(bDefault)),
                Arguments.of("FULL_TRANSITIVE", List.of(List.of(a), List.of(aDefault)),
                        List.of(a, field("c", "int", "0")), List.of(bDefault)));
    }

    private String schema(List<String> fields) {
        return record(name, fields.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("levels")
    void registrationFollowsTheSubjectsLevel(String level, List<List<String>> history, List<String> compatible,
                                             List<String> incompatible) {
        String s = subject("compat-" + level.toLowerCase());
        assertThat(registry.put("/config/" + s, "{\"compatibility\":\"" + level + "\"}").status()).isEqualTo(200);
        for (List<String> fields : history) {
            registry.register(s, schema(fields));
        }
        if (incompatible != null) {
            Response refused = registry.post("/subjects/" + s + "/versions", schemaBody(schema(incompatible)));
            assertThat(refused.status()).as(refused.body()).isEqualTo(409);
            assertThat(refused.errorCode()).isEqualTo(409);
            assertThat(refused.message()).startsWith("Schema being registered is incompatible with an earlier schema"
                    + " for subject \"" + s + "\", details: [{errorType:'")
                    .contains("compatibility: '" + level + "'");
            // the test endpoint agrees, with the same findings when asked for them
            Response tested = registry.post("/compatibility/subjects/" + s + "/versions?verbose=true",
                    schemaBody(schema(incompatible)));
            assertThat(tested.json().get("is_compatible").asBoolean()).isFalse();
            assertThat(tested.json().get("messages").toString()).contains("errorType");
            assertThat(registry.post("/compatibility/subjects/" + s + "/versions", schemaBody(schema(incompatible)))
                    .body()).isEqualTo("{\"is_compatible\":false}");
        }
        Response tested = registry.post("/compatibility/subjects/" + s + "/versions/latest", schemaBody(schema(compatible)));
        assertThat(tested.body()).isEqualTo("{\"is_compatible\":true}");
        int versionsBefore = history.size();
        registry.register(s, schema(compatible));
        assertThat(registry.get("/subjects/" + s + "/versions").json()).hasSize(versionsBefore + 1);
    }

    @Test
    void theGlobalLevelAppliesToSubjectsWithoutTheirOwn() {
        String s = subject("compat-global");
        registry.register(s, schema(List.of(field("a", "string"))));
        // BACKWARD by default: a new field without default is refused
        String withB = schema(List.of(field("a", "string"), field("b", "string")));
        assertThat(registry.post("/subjects/" + s + "/versions", schemaBody(withB)).status()).isEqualTo(409);
        try {
            registry.put("/config", "{\"compatibility\":\"FORWARD\"}");
            assertThat(registry.register(s, withB)).isPositive();
        } finally {
            registry.put("/config", "{\"compatibility\":\"BACKWARD\"}");
        }
    }

    @Test
    void aVersionedTestChecksThatVersionOnlyAsConfluentDoes() {
        String s = subject("compat-versioned");
        registry.put("/config/" + s, "{\"compatibility\":\"BACKWARD_TRANSITIVE\"}");
        registry.register(s, schema(List.of(field("a", "string"))));
        registry.register(s, schema(List.of(field("a", "string"), field("b", "string", "\"x\""))));
        String onlyB = schema(List.of(field("b", "string")));
        // against version 2 alone it is fine; against version 1, or the whole history, it is not
        assertThat(registry.post("/compatibility/subjects/" + s + "/versions/2", schemaBody(onlyB)).body())
                .isEqualTo("{\"is_compatible\":true}");
        assertThat(registry.post("/compatibility/subjects/" + s + "/versions/latest", schemaBody(onlyB)).body())
                .isEqualTo("{\"is_compatible\":true}");
        assertThat(registry.post("/compatibility/subjects/" + s + "/versions/1", schemaBody(onlyB)).body())
                .isEqualTo("{\"is_compatible\":false}");
        assertThat(registry.post("/compatibility/subjects/" + s + "/versions", schemaBody(onlyB)).body())
                .isEqualTo("{\"is_compatible\":false}");
        assertThat(registry.post("/subjects/" + s + "/versions", schemaBody(onlyB)).status()).isEqualTo(409);
    }

    @Test
    void compatibilityTestErrorsAndEdgeCases() {
        String s = subject("compat-errors");
        String v1 = schema(List.of(field("a", "string")));
        // nothing to be incompatible with
        assertThat(registry.post("/compatibility/subjects/" + s + "/versions/latest?verbose=true", schemaBody(v1)).body())
                .isEqualTo("{\"is_compatible\":true,\"messages\":[]}");
        Response noSubject = registry.post("/compatibility/subjects/" + s + "/versions/1", schemaBody(v1));
        assertThat(noSubject.status()).isEqualTo(404);
        assertThat(noSubject.errorCode()).isEqualTo(40401);
        registry.register(s, v1);
        Response noVersion = registry.post("/compatibility/subjects/" + s + "/versions/5", schemaBody(v1));
        assertThat(noVersion.status()).isEqualTo(404);
        assertThat(noVersion.errorCode()).isEqualTo(40402);
        Response badVersion = registry.post("/compatibility/subjects/" + s + "/versions/first", schemaBody(v1));
        assertThat(badVersion.status()).isEqualTo(422);
        assertThat(badVersion.errorCode()).isEqualTo(42202);
        Response badSchema = registry.post("/compatibility/subjects/" + s + "/versions/latest", schemaBody("{\"type\":1}"));
        assertThat(badSchema.status()).isEqualTo(422);
        assertThat(badSchema.errorCode()).isEqualTo(42201);
        Response verboseBadSchema = registry.post("/compatibility/subjects/" + s + "/versions/latest?verbose=true",
                schemaBody("{\"type\":1}"));
        assertThat(verboseBadSchema.status()).isEqualTo(200);
        assertThat(verboseBadSchema.json().get("is_compatible").asBoolean()).isFalse();
        assertThat(verboseBadSchema.json().get("messages").get(0).asString()).startsWith("Invalid schema");
    }
}
