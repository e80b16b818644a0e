package dev.outbox.registry;

import dev.outbox.registry.support.RegistryClient;
import dev.outbox.registry.support.RegistryClient.Response;
import dev.outbox.registry.support.RegistryTestEnvironment;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

import static dev.outbox.registry.support.RegistryClient.schemaBody;
import static dev.outbox.registry.support.TestSchemas.field;
import static dev.outbox.registry.support.TestSchemas.record;
import static dev.outbox.registry.support.TestSchemas.subject;
import static org.assertj.core.api.Assertions.assertThat;

/** Subjects, versions, schemas by id, lookup and deletion over HTTP, against the real database. */
@ExtendWith(RegistryTestEnvironment.class)
class SubjectApiTest {

    private static RegistryClient registry;

    // each test has schemas of its own (a record name of its own), because ids are global: the same content in
    // another test's subject would have the same id
    private String name;
    private String v1;
    private String v2;
    private String v3;

    @org.junit.jupiter.api.BeforeEach
    void schemasOfThisTest() {
        name = "Order_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        v1 = record(name, field("id", "string"));
        v2 = record(name, field("id", "string"), field("note", "string", "\"\""));
        v3 = record(name, field("id", "string"), field("note", "string", "\"\""), field("total", "long", "0"));
    }

    @BeforeAll
    static void connect(RegistryClient client) {
        registry = client;
    }

    private static String canonical(String text) {
        return new Schema.Parser().parse(text).toString();
    }

    private static List<Integer> ints(Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return java.util.stream.StreamSupport.stream(response.json().spliterator(), false).map(JsonNode::asInt).toList();
    }

    private static void assertError(Response response, int status, int errorCode) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.errorCode()).as(response.body()).isEqualTo(errorCode);
        assertThat(response.message()).isNotBlank();
    }

    @Test
    void registeredSchemaIsServedByVersionByLatestAndById() {
        String s = subject("orders-value");
        int id = registry.register(s, v1);

        assertThat(ints(registry.get("/subjects/" + s + "/versions"))).containsExactly(1);
        for (String version : List.of("1", "latest", "-1")) {
            Response byVersion = registry.get("/subjects/" + s + "/versions/" + version);
            assertThat(byVersion.status()).isEqualTo(200);
            JsonNode body = byVersion.json();
            assertThat(body.get("subject").asString()).isEqualTo(s);
            assertThat(body.get("version").asInt()).isEqualTo(1);
            assertThat(body.get("id").asInt()).isEqualTo(id);
            assertThat(body.get("schema").asString()).isEqualTo(canonical(v1));
            assertThat(body.has("schemaType")).as("Confluent leaves schemaType out for AVRO").isFalse();
            assertThat(body.has("references")).isFalse();
        }
        assertThat(registry.get("/subjects/" + s + "/versions/1/schema").body()).isEqualTo(canonical(v1));

        Response byId = registry.get("/schemas/ids/" + id);
        assertThat(byId.json().get("schema").asString()).isEqualTo(canonical(v1));
        assertThat(byId.json().has("schemaType")).isFalse();
        assertThat(registry.get("/schemas/ids/" + id + "/schema").body()).isEqualTo(canonical(v1));
        assertThat(registry.get("/schemas/ids/" + id + "/versions").json().toString())
                .isEqualTo("[{\"subject\":\"" + s + "\",\"version\":1}]");
        assertThat(registry.get("/schemas/ids/" + id + "/subjects").json().toString()).isEqualTo("[\"" + s + "\"]");
        assertThat(registry.get("/subjects").json().toString()).contains("\"" + s + "\"");
        assertThat(registry.get("/subjects?subjectPrefix=" + s).json().toString()).isEqualTo("[\"" + s + "\"]");
        assertThat(registry.get("/schemas?subjectPrefix=" + s).json().get(0).get("id").asInt()).isEqualTo(id);
    }

    @Test
    void subjectNamesAreComparedExactly() {
        String s = subject("Exact");
        registry.register(s, v1);
        for (String other : List.of(s.toLowerCase(), s.toUpperCase(), s + "%20")) {
            assertError(registry.get("/subjects/" + other + "/versions"), 404, 40401);
            registry.register(other, v2);
        }
        assertThat(registry.get("/subjects/" + s + "/versions/latest").json().get("schema").asString())
                .isEqualTo(canonical(v1));
        assertThat(registry.get("/subjects?subjectPrefix=" + s.substring(0, 6)).json()).hasSize(2);
        assertThat(registry.get("/subjects?subjectPrefix=" + s).json().toString())
                .isEqualTo("[\"" + s + "\",\"" + s + " \"]");
    }

    @Test
    void registeringAnExistingSchemaReturnsItsIdWithoutANewVersion() {
        String s = subject("idempotent");
        int id = registry.register(s, v1);
        assertThat(registry.register(s, v1)).isEqualTo(id);
        assertThat(registry.register(s, v1)).isEqualTo(id);
        assertThat(ints(registry.get("/subjects/" + s + "/versions"))).containsExactly(1);
        int id2 = registry.register(s, v2);
        assertThat(id2).isNotEqualTo(id);
        assertThat(ints(registry.get("/subjects/" + s + "/versions"))).containsExactly(1, 2);
        // an older version registered again is found too
        assertThat(registry.register(s, v1)).isEqualTo(id);
        assertThat(ints(registry.get("/subjects/" + s + "/versions"))).containsExactly(1, 2);
    }

    @Test
    void formattingDifferencesDoNotMintNewIds() {
        String s = subject("whitespace");
        int id = registry.register(s, v1);
        String reformatted = """
                {
                   "fields" : [ { "type" : "string",   "name" : "id" } ],
                   "namespace" : "test.registry",
                   "name" : "%s",
                   "type" : "record"
                }
                """.formatted(name);
        assertThat(registry.register(s, reformatted)).isEqualTo(id);
        assertThat(registry.register(subject("whitespace-other"), reformatted)).isEqualTo(id);
        assertThat(ints(registry.get("/subjects/" + s + "/versions"))).containsExactly(1);
        assertThat(registry.get("/schemas/ids/" + id + "/schema").body()).isEqualTo(canonical(v1));
    }

    @Test
    void docsAreNotNormalisedAway() {
        String s = subject("docs");
        int id = registry.register(s, v1);
        String documented = v1.replace("\"name\":\"" + name + "\"", "\"name\":\"" + name + "\",\"doc\":\"An order\"");
        int documentedId = registry.register(s, documented);
        assertThat(documentedId).isNotEqualTo(id);
        assertThat(registry.get("/schemas/ids/" + documentedId + "/schema").body()).contains("\"doc\":\"An order\"");
    }

    @Test
    void theSameSchemaUnderTwoSubjectsHasOneId() {
        String a = subject("shared-a");
        String b = subject("shared-b");
        int id = registry.register(a, v3);
        assertThat(registry.register(b, v3)).isEqualTo(id);
        JsonNode holders = registry.get("/schemas/ids/" + id + "/versions").json();
        assertThat(holders).hasSize(2);
        assertThat(holders.toString()).contains("{\"subject\":\"" + a + "\",\"version\":1}",
                "{\"subject\":\"" + b + "\",\"version\":1}");
    }

    @Test
    void lookupFindsARegisteredSchemaOrSaysWhatIsMissing() {
        String s = subject("lookup");
        int id = registry.register(s, v1);
        registry.register(s, v2);

        Response found = registry.post("/subjects/" + s, schemaBody(v2.replace(",", " ,  ")));
        assertThat(found.status()).as(found.body()).isEqualTo(200);
        assertThat(found.json().get("subject").asString()).isEqualTo(s);
        assertThat(found.json().get("version").asInt()).isEqualTo(2);
        assertThat(found.json().get("schema").asString()).isEqualTo(canonical(v2));
        assertThat(registry.post("/subjects/" + s, schemaBody(v1)).json().get("id").asInt()).isEqualTo(id);

        assertError(registry.post("/subjects/" + s, schemaBody(v3)), 404, 40403);
        assertError(registry.post("/subjects/" + subject("nobody"), schemaBody(v1)), 404, 40401);
        assertError(registry.post("/subjects/" + s, schemaBody("{\"type\":")), 422, 42201);

        registry.delete("/subjects/" + s + "/versions/1");
        assertError(registry.post("/subjects/" + s, schemaBody(v1)), 404, 40403);
        assertThat(registry.post("/subjects/" + s + "?deleted=true", schemaBody(v1)).json().get("version").asInt())
                .isEqualTo(1);
    }

    @Test
    void versionsAreSoftDeletedThenPermanentlyDeleted() {
        String s = subject("delete-version");
        int id1 = registry.register(s, v1);
        registry.register(s, v2);

        assertThat(registry.delete("/subjects/" + s + "/versions/1").body()).isEqualTo("1");
        assertThat(ints(registry.get("/subjects/" + s + "/versions"))).containsExactly(2);
        assertThat(ints(registry.get("/subjects/" + s + "/versions?deleted=true"))).containsExactly(1, 2);
        assertThat(ints(registry.get("/subjects/" + s + "/versions?deletedOnly=true"))).containsExactly(1);
        assertError(registry.get("/subjects/" + s + "/versions/1"), 404, 40402);
        assertThat(registry.get("/subjects/" + s + "/versions/1?deleted=true").json().get("id").asInt()).isEqualTo(id1);
        // the id stays readable, so data written with it can still be read
        assertThat(registry.get("/schemas/ids/" + id1).status()).isEqualTo(200);
        assertThat(registry.get("/schemas/ids/" + id1 + "/versions").json()).isEmpty();
        assertThat(registry.get("/schemas/ids/" + id1 + "/versions?deleted=true").json()).hasSize(1);

        assertError(registry.delete("/subjects/" + s + "/versions/1"), 404, 40406);
        assertError(registry.delete("/subjects/" + s + "/versions/2?permanent=true"), 404, 40407);
        assertError(registry.delete("/subjects/" + s + "/versions/7"), 404, 40402);
        assertError(registry.delete("/subjects/" + subject("nobody") + "/versions/1"), 404, 40401);

        assertThat(registry.delete("/subjects/" + s + "/versions/1?permanent=true").body()).isEqualTo("1");
        assertThat(ints(registry.get("/subjects/" + s + "/versions?deleted=true"))).containsExactly(2);
        assertError(registry.get("/subjects/" + s + "/versions/1?deleted=true"), 404, 40402);
        assertError(registry.get("/schemas/ids/" + id1), 404, 40403);
    }

    @Test
    void deletingLatestDeletesTheNewestLiveVersion() {
        String s = subject("delete-latest");
        registry.register(s, v1);
        registry.register(s, v2);
        assertThat(registry.delete("/subjects/" + s + "/versions/latest").body()).isEqualTo("2");
        assertThat(registry.get("/subjects/" + s + "/versions/latest").json().get("version").asInt()).isEqualTo(1);
        assertThat(registry.delete("/subjects/" + s + "/versions/latest").body()).isEqualTo("1");
        // a subject without live versions is not found, unless deleted ones are asked for
        assertError(registry.get("/subjects/" + s + "/versions"), 404, 40401);
        assertError(registry.get("/subjects/" + s + "/versions/latest"), 404, 40401);
        assertThat(ints(registry.get("/subjects/" + s + "/versions?deleted=true"))).containsExactly(1, 2);
    }

    @Test
    void subjectsAreSoftDeletedThenPermanentlyDeleted() {
        String s = subject("delete-subject");
        int id = registry.register(s, v1);
        registry.register(s, v2);
        registry.put("/config/" + s, "{\"compatibility\":\"NONE\"}");

        assertError(registry.delete("/subjects/" + s + "?permanent=true"), 404, 40405);
        assertThat(ints(registry.delete("/subjects/" + s))).containsExactly(1, 2);
        assertThat(registry.get("/subjects").body()).doesNotContain("\"" + s + "\"");
        assertThat(registry.get("/subjects?deleted=true").body()).contains("\"" + s + "\"");
        assertThat(registry.get("/subjects?deletedOnly=true").body()).contains("\"" + s + "\"");
        assertError(registry.get("/subjects/" + s + "/versions"), 404, 40401);
        // the subject's own compatibility level goes with it, as in Confluent
        assertError(registry.get("/config/" + s), 404, 40408);
        assertError(registry.delete("/subjects/" + s), 404, 40404);

        assertThat(ints(registry.delete("/subjects/" + s + "?permanent=true"))).containsExactly(1, 2);
        assertThat(registry.get("/subjects?deleted=true").body()).doesNotContain("\"" + s + "\"");
        assertError(registry.delete("/subjects/" + s + "?permanent=true"), 404, 40401);
        assertError(registry.get("/schemas/ids/" + id), 404, 40403);

        // the same content registered again keeps its id: ids are stable per content
        assertThat(registry.register(s, v1)).isEqualTo(id);
        assertThat(ints(registry.get("/subjects/" + s + "/versions"))).containsExactly(1);
    }

    @Test
    void reRegisteringASoftDeletedSchemaMakesANewVersionWithTheSameId() {
        String s = subject("reregister");
        int id = registry.register(s, v1);
        registry.delete("/subjects/" + s + "/versions/1");
        assertThat(registry.register(s, v1)).isEqualTo(id);
        // the deleted version gives way to the new one, as in Confluent
        assertThat(ints(registry.get("/subjects/" + s + "/versions?deleted=true"))).containsExactly(2);
    }

    @Test
    void invalidVersionsAndUnknownThingsHaveConfluentsCodes() {
        String s = subject("codes");
        registry.register(s, v1);
        for (String version : List.of("0", "-2", "abc", "2147483648")) {
            Response response = registry.get("/subjects/" + s + "/versions/" + version);
            assertError(response, 422, 42202);
            assertThat(response.message()).contains("'" + version + "'", "is not a valid version id");
        }
        assertError(registry.delete("/subjects/" + s + "/versions/zero"), 422, 42202);
        assertError(registry.get("/subjects/" + s + "/versions/2"), 404, 40402);
        assertThat(registry.get("/subjects/" + s + "/versions/2").message()).isEqualTo("Version 2 not found.");
        String nobody = subject("nobody");
        assertThat(registry.get("/subjects/" + nobody + "/versions").message()).isEqualTo("Subject '" + nobody + "' not found.");
        assertError(registry.get("/subjects/" + nobody + "/versions/1"), 404, 40401);
        assertError(registry.get("/schemas/ids/2000000000"), 404, 40403);
        assertError(registry.post("/subjects/bad%07subject/versions", schemaBody(v1)), 422, 42208);
        assertThat(registry.get("/schemas/ids/2000000000").message()).isEqualTo("Schema 2000000000 not found");
    }

    @Test
    void invalidSchemasAreRefusedWith42201() {
        String s = subject("invalid");
        assertError(registry.post("/subjects/" + s + "/versions", schemaBody("{\"type\": \"recrod\"}")), 422, 42201);
        assertError(registry.post("/subjects/" + s + "/versions", schemaBody(
                record("R", "{\"name\":\"n\",\"type\":\"int\",\"default\":\"not a number\"}"))), 422, 42201);
        assertError(registry.post("/subjects/" + s + "/versions", schemaBody("")), 422, 42201);
        assertError(registry.post("/subjects/" + s + "/versions", RegistryClient.json(Map.of("schema", v1,
                "schemaType", "PROTOBUF"))), 422, 42201);
        assertError(registry.get("/subjects/" + s + "/versions"), 404, 40401);
    }

    @Test
    void schemasMayReferenceOtherSubjectsVersions() {
        String addressSubject = subject("address");
        String address = record(name + "Address", field("street", "string"));
        int addressId = registry.register(addressSubject, address);
        String customer = record(name + "Customer", field("name", "string"), field("address", "test.registry." + name + "Address"));
        String body = RegistryClient.json(Map.of("schema", customer, "references",
                List.of(Map.of("name", "test.registry." + name + "Address", "subject", addressSubject, "version", 1))));
        String customerSubject = subject("customer");
        Response registered = registry.post("/subjects/" + customerSubject + "/versions", body);
        assertThat(registered.status()).as(registered.body()).isEqualTo(200);
        int customerId = registered.json().get("id").asInt();

        JsonNode version = registry.get("/subjects/" + customerSubject + "/versions/1").json();
        assertThat(version.get("references").toString()).isEqualTo("[{\"name\":\"test.registry." + name + "Address\",\"subject\":\""
                + addressSubject + "\",\"version\":1}]");
        // the referenced type is written by name, not inlined
        assertThat(version.get("schema").asString()).doesNotContain("street");
        assertThat(registry.post("/subjects/" + customerSubject, body).json().get("id").asInt()).isEqualTo(customerId);
        assertThat(ints(registry.get("/subjects/" + addressSubject + "/versions/1/referencedby"))).containsExactly(customerId);

        Response refused = registry.delete("/subjects/" + addressSubject + "/versions/1");
        assertError(refused, 422, 42206);
        assertThat(registry.get("/schemas/ids/" + addressId).status()).isEqualTo(200);
        // without its reference the schema does not parse
        assertError(registry.post("/subjects/" + subject("customer") + "/versions", schemaBody(customer)), 422, 42201);
    }
}
