package dev.outbox.registry;

import dev.outbox.registry.support.RegistryClient;
import dev.outbox.registry.support.RegistryClient.Response;
import dev.outbox.registry.support.RegistryInstance;
import dev.outbox.registry.support.RegistryTestEnvironment;
import dev.outbox.registry.support.RegistryTestEnvironment.Environment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.StreamSupport;

import static dev.outbox.registry.support.RegistryClient.schemaBody;
import static dev.outbox.registry.support.TestSchemas.field;
import static dev.outbox.registry.support.TestSchemas.record;
import static dev.outbox.registry.support.TestSchemas.subject;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two registry instances on one database, registering concurrently; and a restart, which must keep every id and
 * version.
 */
@ExtendWith(RegistryTestEnvironment.class)
class ConcurrencyAndRestartTest {

    private static final int THREADS = 16;

    private static Environment environment;
    private static RegistryClient first;
    private static RegistryInstance secondInstance;
    private static RegistryClient second;

    @BeforeAll
    static void startSecondInstance(Environment env) {
        environment = env;
        first = env.client();
        secondInstance = env.startRegistry();
        second = secondInstance.client();
    }

    @AfterAll
    static void stopSecondInstance() {
        if (secondInstance != null) {
            secondInstance.close();
        }
    }

    private static String uniqueName() {
        return "Concurrent_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    /** Runs {@code THREADS} requests at once, alternating between the two instances; returns the answers. */
    private static List<Response> atOnce(IntFunction<Response> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                int n = i;
                answers.add(pool.submit(() -> {
                    start.await();
                    return request.apply(n);
                }));
            }
            start.countDown();
            List<Response> responses = new ArrayList<>();
            for (Future<Response> answer : answers) {
                responses.add(answer.get(60, TimeUnit.SECONDS));
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }

    private static RegistryClient instance(int n) {
        return n % 2 == 0 ? first : second;
    }

    private static Set<Integer> ids(List<Response> responses) {
        Set<Integer> ids = new HashSet<>();
        for (Response response : responses) {
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            ids.add(response.json().get("id").asInt());
        }
        return ids;
    }

    private static List<Integer> versions(RegistryClient client, String subject) {
        return StreamSupport.stream(client.get("/subjects/" + subject + "/versions").json().spliterator(), false)
                .map(JsonNode::asInt).toList();
    }

    @Test
    void theSameSchemaFromSixteenThreadsOnTwoInstancesGetsOneIdAndOneVersion() throws Exception {
        String s = subject("race-one-subject");
        String name = uniqueName();
        String schema = record(name, field("a", "string"));
        // a subject that does not exist yet
        Set<Integer> ids = ids(atOnce(n -> instance(n).post("/subjects/" + s + "/versions", schemaBody(schema))));
        assertThat(ids).hasSize(1);
        assertThat(versions(first, s)).containsExactly(1);
        assertThat(first.get("/schemas/ids/" + ids.iterator().next() + "/versions").json()).hasSize(1);

        // and one that does
        String next = record(name, field("a", "string"), field("b", "int", "0"));
        Set<Integer> nextIds = ids(atOnce(n -> instance(n).post("/subjects/" + s + "/versions", schemaBody(next))));
        assertThat(nextIds).hasSize(1).doesNotContainAnyElementsOf(ids);
        assertThat(versions(second, s)).containsExactly(1, 2);
    }

    @Test
    void theSameSchemaUnderSixteenSubjectsAtOnceGetsOneId() throws Exception {
        String prefix = subject("race-many-subjects");
        String schema = record(uniqueName(), field("a", "string"));
        Set<Integer> ids = ids(atOnce(n -> instance(n).post("/subjects/" + prefix + "-" + n + "/versions",
                schemaBody(schema))));
        assertThat(ids).hasSize(1);
        assertThat(first.get("/schemas/ids/" + ids.iterator().next() + "/versions").json()).hasSize(THREADS);
    }

    @Test
    void differentSchemasAtOnceInOneSubjectGetConsecutiveVersionsAndPassTheCheckInTurn() throws Exception {
        String s = subject("race-versions");
        String name = uniqueName();
        first.register(s, record(name, field("a", "string")));
        // each adds its own optional field: compatible with whichever version is latest when its turn comes
        Set<Integer> ids = ids(atOnce(n -> instance(n).post("/subjects/" + s + "/versions",
                schemaBody(record(name, field("a", "string"), field("f" + n, "int", "0"))))));
        assertThat(ids).hasSize(THREADS);
        List<Integer> expected = new ArrayList<>();
        for (int v = 1; v <= THREADS + 1; v++) {
            expected.add(v);
        }
        assertThat(versions(second, s)).isEqualTo(expected);
    }

    @Test
    void aRestartKeepsIdsVersionsAndSettings() {
        String s = subject("restart");
        String other = subject("restart-other");
        String name = uniqueName();
        String v1 = record(name, field("a", "string"));
        String v2 = record(name, field("a", "string"), field("b", "string", "\"x\""));
        int id1;
        int id2;
        int otherId;
        try (RegistryInstance before = environment.startRegistry()) {
            RegistryClient client = before.client();
            id1 = client.register(s, v1);
            id2 = client.register(s, v2);
            otherId = client.register(other, record(uniqueName(), field("z", "long")));
            client.put("/config/" + s, "{\"compatibility\":\"FULL\"}");
            client.delete("/subjects/" + s + "/versions/1");
        }
        try (RegistryInstance after = environment.startRegistry()) {
            RegistryClient client = after.client();
            assertThat(versions(client, s)).containsExactly(2);
            assertThat(client.get("/subjects/" + s + "/versions/1?deleted=true").json().get("id").asInt()).isEqualTo(id1);
            assertThat(client.get("/subjects/" + s + "/versions/2").json().get("id").asInt()).isEqualTo(id2);
            assertThat(client.get("/subjects/" + other + "/versions/latest").json().get("id").asInt()).isEqualTo(otherId);
            assertThat(client.get("/schemas/ids/" + id2 + "/schema").body())
                    .isEqualTo(new org.apache.avro.Schema.Parser().parse(v2).toString());
            assertThat(client.get("/config/" + s).body()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
            // known schemas keep their ids, new ones get new ids
            assertThat(client.register(s, v2)).isEqualTo(id2);
            int id3 = client.register(s, record(name, field("a", "string"), field("b", "string", "\"x\""),
                    field("c", "int", "1")));
            assertThat(id3).isNotIn(id1, id2, otherId);
            assertThat(versions(client, s)).containsExactly(2, 3);
        }
    }
}
