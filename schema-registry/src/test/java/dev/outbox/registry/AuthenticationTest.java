package dev.outbox.registry;

import dev.outbox.registry.support.RegistryClient;
import dev.outbox.registry.support.RegistryClient.Response;
import dev.outbox.registry.support.RegistryInstance;
import dev.outbox.registry.support.RegistryTestEnvironment;
import dev.outbox.registry.support.RegistryTestEnvironment.Environment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static dev.outbox.registry.support.RegistryClient.schemaBody;
import static dev.outbox.registry.support.TestSchemas.field;
import static dev.outbox.registry.support.TestSchemas.record;
import static dev.outbox.registry.support.TestSchemas.subject;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * HTTP Basic authentication, as Confluent's {@code authentication.method=BASIC}: every request but the health status
 * needs credentials; readers read, writers also register, admins also delete and change config and mode.
 */
@ExtendWith(RegistryTestEnvironment.class)
class AuthenticationTest {

    private static RegistryClient admin;
    private static RegistryClient writer;
    private static RegistryClient reader;
    private static RegistryClient anonymous;
    private static Environment environment;

    @BeforeAll
    static void connect(RegistryClient client, Environment env) {
        admin = client;
        writer = client.as(RegistryInstance.WRITER);
        reader = client.as(RegistryInstance.READER);
        anonymous = client.anonymous();
        environment = env;
    }

    private static String schema() {
        return record("Auth" + subject("x").replace("x-", ""), field("a", "string"));
    }

    private static void assertRefused(Response response, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith(RegistryClient.V1);
        assertThat(response.errorCode()).as(response.body()).isEqualTo(status);
        assertThat(response.message()).isNotBlank().doesNotContain("Exception", "springframework");
        if (status == 401) {
            assertThat(response.header("WWW-Authenticate")).startsWith("Basic realm=");
        }
    }

    /** Every kind of request: reads, a lookup, a registration, deletes, config and mode changes. */
    private static List<Response> everything(RegistryClient client, String s) {
        return List.of(
                client.get("/subjects"),
                client.get("/config"),
                client.get("/schemas/ids/1"),
                client.get("/"),
                client.post("/subjects/" + s, schemaBody(schema())),
                client.post("/subjects/" + s + "/versions", schemaBody(schema())),
                client.delete("/subjects/" + s),
                client.delete("/subjects/" + s + "?permanent=true"),
                client.put("/config", "{\"compatibility\":\"NONE\"}"),
                client.put("/config/" + s, "{\"compatibility\":\"NONE\"}"),
                client.delete("/config/" + s),
                client.put("/mode/" + s, "{\"mode\":\"READONLY\"}"));
    }

    @Test
    void withoutCredentialsEverythingIs401WithABasicChallenge() {
        String s = subject("anonymous");
        admin.register(s, schema());
        for (Response response : everything(anonymous, s)) {
            assertRefused(response, 401);
        }
        assertThat(admin.get("/subjects/" + s + "/versions").body()).isEqualTo("[1]");
    }

    @Test
    void wrongPasswordsAndUnknownUsersAre401() {
        String s = subject("wrong");
        for (String userInfo : List.of("admin:wrong", "admin:", "nobody:" + RegistryInstance.ADMIN.split(":")[1],
                RegistryInstance.READER.split(":")[0] + ":" + RegistryInstance.ADMIN.split(":")[1])) {
            RegistryClient client = admin.as(userInfo);
            assertRefused(client.get("/subjects"), 401);
            assertRefused(client.post("/subjects/" + s + "/versions", schemaBody(schema())), 401);
        }
        assertRefused(anonymous.sendWithHeader("GET", "/subjects", "Authorization", "Basic not-base64!"), 401);
        assertRefused(anonymous.sendWithHeader("GET", "/subjects", "Authorization", "Bearer some-token"), 401);
        assertThat(admin.get("/subjects/" + s + "/versions").status()).isEqualTo(404);
    }

    @Test
    void readersReadAndLookUpButCannotChangeAnything() {
        String s = subject("reader");
        String schema = schema();
        int id = admin.register(s, schema);

        assertThat(reader.get("/subjects").status()).isEqualTo(200);
        assertThat(reader.get("/subjects/" + s + "/versions/latest").status()).isEqualTo(200);
        assertThat(reader.get("/schemas/ids/" + id).status()).isEqualTo(200);
        assertThat(reader.get("/config").status()).isEqualTo(200);
        assertThat(reader.get("/mode").status()).isEqualTo(200);
        // a lookup and a compatibility check are POSTs, but read nothing but state
        Response lookup = reader.post("/subjects/" + s, schemaBody(schema));
        assertThat(lookup.status()).as(lookup.body()).isEqualTo(200);
        assertThat(lookup.json().get("id").asInt()).isEqualTo(id);
        assertThat(reader.post("/compatibility/subjects/" + s + "/versions/latest", schemaBody(schema)).status())
                .isEqualTo(200);

        assertRefused(reader.post("/subjects/" + s + "/versions", schemaBody(schema())), 403);
        assertRefused(reader.post("/subjects/" + s + "/versions", schemaBody(schema)), 403);
        assertRefused(reader.delete("/subjects/" + s), 403);
        assertRefused(reader.delete("/subjects/" + s + "/versions/1"), 403);
        assertRefused(reader.put("/config", "{\"compatibility\":\"NONE\"}"), 403);
        assertRefused(reader.put("/config/" + s, "{\"compatibility\":\"NONE\"}"), 403);
        assertRefused(reader.put("/mode", "{\"mode\":\"READONLY\"}"), 403);
        assertThat(admin.get("/subjects/" + s + "/versions").body()).isEqualTo("[1]");
        assertThat(admin.get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
    }

    @Test
    void writersAlsoRegisterButCannotDeleteOrReconfigure() {
        String s = subject("writer");
        Response registered = writer.post("/subjects/" + s + "/versions", schemaBody(schema()));
        assertThat(registered.status()).as(registered.body()).isEqualTo(200);
        assertThat(writer.get("/subjects/" + s + "/versions").body()).isEqualTo("[1]");

        assertRefused(writer.delete("/subjects/" + s), 403);
        assertRefused(writer.delete("/subjects/" + s + "/versions/1"), 403);
        assertRefused(writer.put("/config", "{\"compatibility\":\"NONE\"}"), 403);
        assertRefused(writer.put("/config/" + s, "{\"compatibility\":\"NONE\"}"), 403);
        assertRefused(writer.delete("/config"), 403);
        assertRefused(writer.put("/mode/" + s, "{\"mode\":\"READONLY\"}"), 403);
        assertThat(admin.get("/subjects/" + s + "/versions").body()).isEqualTo("[1]");
    }

    @Test
    void adminsMayDoEverything() {
        String s = subject("admin");
        assertThat(admin.post("/subjects/" + s + "/versions", schemaBody(schema())).status()).isEqualTo(200);
        assertThat(admin.put("/config/" + s, "{\"compatibility\":\"NONE\"}").status()).isEqualTo(200);
        assertThat(admin.delete("/config/" + s).status()).isEqualTo(200);
        assertThat(admin.put("/mode/" + s, "{\"mode\":\"READONLY\"}").status()).isEqualTo(200);
        assertThat(admin.put("/mode/" + s, "{\"mode\":\"READWRITE\"}").status()).isEqualTo(200);
        assertThat(admin.delete("/subjects/" + s).status()).isEqualTo(200);
        assertThat(admin.delete("/subjects/" + s + "?permanent=true").status()).isEqualTo(200);
        assertThat(admin.get("/subjects/" + s + "/versions?deleted=true").status()).isEqualTo(404);
    }

    @Test
    void theHealthStatusIsPublicItsDetailsAreForAdmins() {
        Response health = anonymous.send("GET", "/actuator/health", null, "application/json", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asString()).isEqualTo("UP");
        assertThat(health.body()).doesNotContain("components", "details", "db", "disk");
        Response asReader = reader.send("GET", "/actuator/health", null, "application/json", null);
        assertThat(asReader.body()).isEqualTo(health.body());
        Response detailed = admin.send("GET", "/actuator/health", null, "application/json", null);
        assertThat(detailed.json().get("components").get("db").get("status").asString()).isEqualTo("UP");
    }

    @Test
    void withAuthenticationOffEveryoneMayDoEverythingAsBefore() {
        try (RegistryInstance open = environment.startRegistry("--registry.auth.enabled=false")) {
            RegistryClient client = open.client().anonymous();
            String s = subject("open");
            assertThat(client.get("/subjects").status()).isEqualTo(200);
            assertThat(client.post("/subjects/" + s + "/versions", schemaBody(schema())).status()).isEqualTo(200);
            assertThat(client.put("/config/" + s, "{\"compatibility\":\"NONE\"}").status()).isEqualTo(200);
            assertThat(client.put("/mode/" + s, "{\"mode\":\"READONLY\"}").status()).isEqualTo(200);
            assertThat(client.delete("/mode/" + s).status()).isEqualTo(200);
            assertThat(client.delete("/subjects/" + s).status()).isEqualTo(200);
            assertThat(client.delete("/subjects/" + s + "?permanent=true").status()).isEqualTo(200);
            // the global level too (set back to what it is)
            assertThat(client.put("/config", "{\"compatibility\":\"BACKWARD\"}").status()).isEqualTo(200);
            // credentials, right or wrong, change nothing when nobody checks them
            assertThat(client.as("admin:wrong").get("/subjects").status()).isEqualTo(200);
        }
    }

    @Test
    void authenticationOnWithoutAnyPasswordRefusesToStart() {
        assertThatThrownBy(() -> environment.startRegistryWithoutAccounts().close())
                .hasStackTraceContaining("REGISTRY_AUTH_ADMIN_PASSWORD");
    }
}
