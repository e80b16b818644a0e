package dev.outbox.registry;

import dev.outbox.registry.support.RegistryClient;
import dev.outbox.registry.support.RegistryClient.Response;
import dev.outbox.registry.support.RegistryTestEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.UUID;

import static dev.outbox.registry.support.RegistryClient.json;
import static dev.outbox.registry.support.RegistryClient.schemaBody;
import static dev.outbox.registry.support.TestSchemas.field;
import static dev.outbox.registry.support.TestSchemas.record;
import static dev.outbox.registry.support.TestSchemas.subject;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /config} and {@code /mode}, and what the modes allow. Global changes are undone in each test. */
@ExtendWith(RegistryTestEnvironment.class)
class ConfigAndModeApiTest {

    private static RegistryClient registry;
    private String v1;
    private String v2;

    @BeforeAll
    static void connect(RegistryClient client) {
        registry = client;
    }

    @BeforeEach
    void schemasOfThisTest() {
        String name = "Setting_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        v1 = record(name, field("a", "string"));
        v2 = record(name, field("a", "string"), field("b", "string", "\"x\""));
    }

    private static void assertError(Response response, int status, int errorCode) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.errorCode()).as(response.body()).isEqualTo(errorCode);
    }

    @Test
    void globalCompatibilityIsBackwardByDefaultAndCanBeChanged() {
        assertThat(registry.get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
        try {
            Response set = registry.put("/config", "{\"compatibility\":\"FULL\"}");
            assertThat(set.status()).isEqualTo(200);
            assertThat(set.body()).isEqualTo("{\"compatibility\":\"FULL\"}");
            assertThat(registry.get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
            assertThat(registry.put("/config", "{\"compatibility\":\"full_transitive\"}").status()).isEqualTo(200);
            assertThat(registry.get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}");
        } finally {
            registry.put("/config", "{\"compatibility\":\"BACKWARD\"}");
        }
        assertError(registry.put("/config", "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203);
        assertError(registry.put("/config", "{}"), 422, 42203);
        assertThat(registry.get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
    }

    @Test
    void subjectCompatibilityOverridesTheGlobalLevel() {
        String s = subject("config-subject");
        assertError(registry.get("/config/" + s), 404, 40408);
        assertThat(registry.get("/config/" + s).message())
                .isEqualTo("Subject '" + s + "' does not have subject-level compatibility configured");
        assertThat(registry.get("/config/" + s + "?defaultToGlobal=true").body())
                .isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");

        assertThat(registry.put("/config/" + s, "{\"compatibility\":\"NONE\"}").body())
                .isEqualTo("{\"compatibility\":\"NONE\"}");
        assertThat(registry.get("/config/" + s).body()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
        registry.register(s, v1);
        // NONE lets an otherwise refused change through
        assertThat(registry.register(s, record("Other", field("x", "int")))).isPositive();

        assertThat(registry.delete("/config/" + s).body()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
        assertError(registry.get("/config/" + s), 404, 40408);
        assertError(registry.delete("/config/" + s), 404, 40401);
        assertError(registry.put("/config/" + s, "{\"compatibility\":\"LOOSE\"}"), 422, 42203);
    }

    @Test
    void readOnlySubjectsRefuseWritesButStillAnswerForKnownSchemas() {
        String s = subject("readonly");
        int id = registry.register(s, v1);
        assertThat(registry.get("/mode").body()).isEqualTo("{\"mode\":\"READWRITE\"}");
        assertError(registry.get("/mode/" + s), 404, 40409);

        assertThat(registry.put("/mode/" + s, "{\"mode\":\"READONLY\"}").body()).isEqualTo("{\"mode\":\"READONLY\"}");
        assertThat(registry.get("/mode/" + s).body()).isEqualTo("{\"mode\":\"READONLY\"}");

        Response refused = registry.post("/subjects/" + s + "/versions", schemaBody(v2));
        assertError(refused, 422, 42205);
        assertThat(refused.message()).isEqualTo("Subject " + s + " is in read-only mode");
        assertError(registry.delete("/subjects/" + s + "/versions/1"), 422, 42205);
        assertError(registry.delete("/subjects/" + s), 422, 42205);
        assertError(registry.put("/config/" + s, "{\"compatibility\":\"NONE\"}"), 422, 42205);
        // as in Confluent, a schema already registered still gets its id (producers keep working)
        assertThat(registry.register(s, v1)).isEqualTo(id);
        assertThat(registry.get("/subjects/" + s + "/versions").json()).hasSize(1);

        assertThat(registry.delete("/mode/" + s).body()).isEqualTo("{\"mode\":\"READONLY\"}");
        assertError(registry.get("/mode/" + s), 404, 40409);
        assertThat(registry.get("/mode/" + s + "?defaultToGlobal=true").body()).isEqualTo("{\"mode\":\"READWRITE\"}");
        assertThat(registry.register(s, v2)).isNotEqualTo(id);
        assertError(registry.delete("/mode/" + s), 404, 40401);
        assertError(registry.put("/mode/" + s, "{\"mode\":\"SLEEPING\"}"), 422, 42204);
    }

    @Test
    void aReadOnlyRegistryRefusesWritesToEverySubject() {
        String s = subject("global-readonly");
        try {
            assertThat(registry.put("/mode", "{\"mode\":\"READONLY\"}").body()).isEqualTo("{\"mode\":\"READONLY\"}");
            assertThat(registry.get("/mode").body()).isEqualTo("{\"mode\":\"READONLY\"}");
            assertError(registry.post("/subjects/" + s + "/versions", schemaBody(v1)), 422, 42205);
            assertError(registry.put("/config", "{\"compatibility\":\"NONE\"}"), 422, 42205);
            assertThat(registry.get("/mode/" + s + "?defaultToGlobal=true").body()).isEqualTo("{\"mode\":\"READONLY\"}");
        } finally {
            registry.put("/mode", "{\"mode\":\"READWRITE\"}");
        }
        assertThat(registry.register(s, v1)).isPositive();
    }

    @Test
    void importModeTakesIdsAndVersionsFromTheCaller() {
        String occupied = subject("import-occupied");
        registry.register(occupied, v1);
        Response refused = registry.put("/mode/" + occupied, "{\"mode\":\"IMPORT\"}");
        assertError(refused, 422, 42205);
        assertThat(refused.message()).isEqualTo("Cannot import since found existing subjects");

        String s = subject("import");
        assertThat(registry.put("/mode/" + s, "{\"mode\":\"IMPORT\"}").status()).isEqualTo(200);
        assertError(registry.post("/subjects/" + s + "/versions", schemaBody(v2)), 422, 42205);
        int importedId = 900_000 + (int) (Math.random() * 90_000);
        Response imported = registry.post("/subjects/" + s + "/versions",
                json(Map.of("schema", v2, "id", importedId, "version", 3)));
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        assertThat(imported.body()).isEqualTo("{\"id\":" + importedId + "}");
        assertThat(registry.get("/subjects/" + s + "/versions/3").json().get("id").asInt()).isEqualTo(importedId);
        assertThat(registry.get("/schemas/ids/" + importedId).status()).isEqualTo(200);
        // an id that holds other content cannot be overwritten
        assertError(registry.post("/subjects/" + s + "/versions", json(Map.of("schema", v1, "id", importedId))), 422, 42205);
        registry.delete("/mode/" + s);

        // outside IMPORT mode, ids cannot be chosen
        assertError(registry.post("/subjects/" + subject("no-import") + "/versions",
                json(Map.of("schema", v1, "id", importedId + 1))), 422, 42205);
        // generated ids continue after imported ones instead of colliding with them
        assertThat(registry.register(subject("after-import"), record("AfterImport" + importedId, field("a", "int"))))
                .isGreaterThan(importedId);
    }
}
