package dev.outbox.registry;

import dev.outbox.registry.schema.RegisterSchemaRequest;
import dev.outbox.registry.support.RegistryClient.Response;
import dev.outbox.registry.support.RegistryClient;
import dev.outbox.registry.support.RegistryTestEnvironment.Environment;
import dev.outbox.registry.support.RegistryTestEnvironment;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import static dev.outbox.registry.support.RegistryClient.V1;
import static dev.outbox.registry.support.RegistryClient.schemaBody;
import static dev.outbox.registry.support.TestSchemas.field;
import static dev.outbox.registry.support.TestSchemas.record;
import static dev.outbox.registry.support.TestSchemas.subject;
import static org.assertj.core.api.Assertions.assertThat;

/** Content types, malformed requests, unknown routes, storage failures and health, as Confluent's clients see them. */
@ExtendWith(RegistryTestEnvironment.class)
class HttpProtocolTest {

    private static RegistryClient registry;
    private static Environment environment;

    @BeforeAll
    static void connect(RegistryClient client, Environment env) {
        registry = client;
        environment = env;
    }

    private static void assertError(Response response, int status, int errorCode) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.errorCode()).as(response.body()).isEqualTo(errorCode);
        assertThat(response.contentType()).contains("json");
        assertThat(response.body()).doesNotContain("Exception", "\tat ", "trace");
    }

    @Test
    void answersInTheVersionedTypeUnlessAnotherIsAskedFor() {
        assertThat(registry.send("GET", "/subjects", null, null, null).contentType()).startsWith(V1);
        assertThat(registry.send("GET", "/subjects", null, "*/*", null).contentType()).startsWith(V1);
        // what Confluent's RestService sends
        assertThat(registry.send("GET", "/subjects", null, "application/vnd.schemaregistry.v1+json,"
                + " application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5", null).contentType()).startsWith(V1);
        assertThat(registry.send("GET", "/subjects", null, "application/json", null).contentType())
                .startsWith("application/json");
        assertThat(registry.send("GET", "/config", null, "application/vnd.schemaregistry+json", null).contentType())
                .startsWith("application/vnd.schemaregistry+json");
        assertThat(registry.send("GET", "/subjects/" + subject("none") + "/versions", null, "application/json", null)
                .contentType()).startsWith("application/json");
    }

    @Test
    void acceptsEveryRequestTypeConfluentAccepts() {
        String schema = record("ContentTypes", field("a", "string"));
        for (String contentType : List.of(V1, "application/vnd.schemaregistry+json", "application/json",
                "application/json; charset=utf-8", "application/octet-stream")) {
            Response response = registry.send("POST", "/subjects/" + subject("ct") + "/versions", schemaBody(schema),
                    V1, contentType);
            assertThat(response.status()).as(contentType + ": " + response.body()).isEqualTo(200);
        }
        assertError(registry.send("POST", "/subjects/" + subject("ct") + "/versions", schemaBody(schema), V1,
                "text/plain"), 415, 415);
    }

    @Test
    void malformedBodiesGetAClearMessageNotAStackTrace() {
        String path = "/subjects/" + subject("malformed") + "/versions";
        Response broken = registry.post(path, "{\"schema\": ");
        assertError(broken, 400, 400);
        assertThat(broken.message()).startsWith("Malformed JSON in request body");
        assertError(registry.post(path, "[1, 2]"), 422, 422);
        assertError(registry.post(path, "{\"schema\": {\"type\": \"string\"}}"), 422, 422);
        assertError(registry.post(path, ""), 422, 422);
        assertError(registry.post(path, "null"), 422, 422);
        assertError(registry.post(path, "{\"schema\": \"\\\"string\\\"\"} trailing"), 400, 400);
        assertError(registry.put("/config", "{\"compatibility\": "), 400, 400);
        assertError(registry.put("/mode", "42"), 422, 422);
        // unknown fields are ignored, as Confluent's clients send fields older servers do not know
        assertThat(registry.post(path, "{\"schema\": \"\\\"string\\\"\", \"metadata\": null, \"ruleSet\": null}").status())
                .isEqualTo(200);
    }

    @Test
    void unknownRoutesAndMethodsAnswerLikeJaxRs() {
        Response missing = registry.get("/no/such/thing");
        assertError(missing, 404, 404);
        assertThat(missing.message()).isEqualTo("HTTP 404 Not Found");
        assertError(registry.get("/subjects/x"), 405, 405);
        assertError(registry.get("/schemas/ids/not-a-number"), 404, 404);
        assertError(registry.send("PATCH", "/config", "{}", V1, V1), 405, 405);
        assertError(registry.send("GET", "/subjects", null, "text/html", null), 406, 406);
    }

    @Test
    void rootTypesContextsAndHealth() {
        assertThat(registry.get("/").body()).isEqualTo("{}");
        assertThat(registry.get("/schemas/types").body()).isEqualTo("[\"AVRO\"]");
        assertThat(registry.get("/contexts").body()).isEqualTo("[\".\"]");
        Response health = registry.send("GET", "/actuator/health", null, "application/json", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).contains("\"UP\"");
        // the database is part of it (shown to admins; others see the status only, see AuthenticationTest)
        assertThat(health.json().get("components").get("db").get("status").asString()).isEqualTo("UP");
    }

    /** Confluent's codes and plain messages: no exception, library or project class names. */
    private static void assertPlain(Response response, int status, int errorCode) {
        assertError(response, status, errorCode);
        assertThat(response.message()).doesNotContain("dev.outbox", "jackson", "Jackson", "tools.", "java.",
                "org.apache", "RegisterSchemaRequest", "Exception", "Source:", "token", "<");
    }

    @Test
    void errorMessagesNameNoInternals() {
        String s = subject("internals");
        String versions = "/subjects/" + s + "/versions";
        assertPlain(registry.post(versions, "{\"schema\": "), 400, 400);
        assertPlain(registry.post(versions, "{\"schema\": \"\\\"string\\\"\"} trailing"), 400, 400);
        assertPlain(registry.post(versions, "[1, 2]"), 422, 422);
        assertPlain(registry.post(versions, "{\"schema\": {\"type\": \"string\"}}"), 422, 422);
        assertPlain(registry.post(versions, "{\"schema\": \"\\\"string\\\"\", \"version\": \"one\"}"), 422, 422);
        assertPlain(registry.post(versions, "{\"schema\": \"\\\"string\\\"\", \"references\": 7}"), 422, 422);
        assertPlain(registry.post("/subjects/" + s, "{\"schema\": }"), 400, 400);
        assertPlain(registry.put("/config", "{\"compatibility\": [\"FULL\"]}"), 422, 422);
        assertPlain(registry.put("/mode/" + s, "{\"mode\": {}}"), 422, 422);
        // a schema that is not JSON, or not Avro: 42201 (Avro's parser wraps Jackson's errors)
        Response notJson = registry.post(versions, schemaBody("{\"type\": \"record\", "));
        assertPlain(notJson, 422, 42201);
        assertThat(notJson.message()).startsWith("Invalid schema");
        assertPlain(registry.post(versions, schemaBody("{\"type\": \"record\", \"name\": \"R\"}")), 422, 42201);
        assertPlain(registry.post(versions, schemaBody("{\"type\": 7}")), 422, 42201);
        assertPlain(registry.post("/compatibility/subjects/" + s + "/versions/latest", schemaBody("{\"type\": ")),
                422, 42201);
        Response verbose = registry.post("/compatibility/subjects/" + s + "/versions?verbose=true",
                schemaBody("{\"type\": "));
        assertThat(verbose.body()).doesNotContain("jackson", "Exception", "Source:");
        assertPlain(registry.get("/subjects/" + s + "/versions"), 404, 40401);
    }

    @Test
    void subjectsWithNulOrAnEncodedSlashGetJsonErrorsNotHtml() {
        for (String subject : List.of("a%00b", "a%2Fb", "%2F")) {
            for (String path : List.of("/subjects/" + subject + "/versions", "/subjects/" + subject,
                    "/config/" + subject)) {
                Response get = registry.get(path);
                Response post = registry.post(path, schemaBody("\"string\""));
                for (Response response : List.of(get, post)) {
                    assertThat(response.body()).as(path).doesNotContain("<html", "<!doctype", "Tomcat", "Apache");
                    assertThat(response.contentType()).as(path + ": " + response.body()).contains("json");
                    assertThat(response.status()).as(path).isBetween(400, 499);
                    assertThat(response.json().get("error_code").asInt()).as(path).isPositive();
                    assertThat(response.message()).as(path).isNotBlank();
                }
            }
        }
        // a NUL that reaches the registry's own checks is an invalid subject, as any control character
        Response nul = registry.post("/subjects/a%00b/versions", schemaBody("\"string\""));
        assertThat(nul.status()).as(nul.body()).isIn(400, 422);
    }

    @Test
    void storageFailuresAre50001WithoutDetails() throws Exception {
        String s = subject("store-failure");
        registry.register(s, record("StoreFailure", field("a", "string")));
        environment.sql("RENAME TABLE registry.subject_version TO registry.subject_version_away");
        try {
            Response failed = registry.get("/subjects/" + s + "/versions");
            assertError(failed, 500, 50001);
            assertThat(failed.body()).doesNotContain("subject_version", "SQL");
        } finally {
            environment.sql("RENAME TABLE registry.subject_version_away TO registry.subject_version");
        }
        assertThat(registry.get("/subjects/" + s + "/versions").status()).isEqualTo(200);
    }
}
