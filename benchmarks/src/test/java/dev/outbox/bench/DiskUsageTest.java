package dev.outbox.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which files make up each component of a local stack's state directory, and the bytes-per-order arithmetic. */
class DiskUsageTest {

    @TempDir
    Path state;

    @Test
    void findsEachComponentWhereTheLocalStackWritesIt() throws IOException {
        Path data = Files.createDirectories(state.resolve("mariadb/data"));
        Files.createDirectories(data.resolve("orders"));
        Files.createDirectories(data.resolve("registry"));
        for (String f : List.of("mysql-bin.000001", "mysql-bin.000002", "mysql-bin.index", "ibdata1", "ib_logfile0")) {
            Files.writeString(data.resolve(f), "x");
        }
        Files.createDirectories(state.resolve("kafka/data"));
        Files.createDirectories(state.resolve("kafka-2/data"));
        Files.writeString(state.resolve("kafka-cluster-id"), "id");
        Files.createDirectories(state.resolve("delivery/streams"));
        Files.createDirectories(state.resolve("delivery-2/streams"));
        Files.createDirectories(state.resolve("logs"));
        Files.createDirectories(state.resolve("connect"));

        Map<String, List<Path>> paths = new DiskUsage(state).paths();

        assertThat(paths.keySet()).containsExactlyElementsOf(DiskUsage.COMPONENTS);
        assertThat(paths.get("mariadb-data")).containsExactly(data.resolve("orders"));
        assertThat(paths.get("binlog")).containsExactlyInAnyOrder(data.resolve("mysql-bin.000001"), data.resolve("mysql-bin.000002"),
                data.resolve("mysql-bin.index"));
        assertThat(paths.get("kafka")).containsExactlyInAnyOrder(state.resolve("kafka/data"), state.resolve("kafka-2/data"));
        assertThat(paths.get("streams-state")).containsExactlyInAnyOrder(state.resolve("delivery/streams"),
                state.resolve("delivery-2/streams"));
        assertThat(paths.get("logs")).containsExactly(state.resolve("logs"));
    }

    @Test
    void aComponentThatIsNotThereIsUnknownNotEmpty() {
        assertThat(new DiskUsage(state.resolve("no-stack-here")).bytes()).allSatisfy((component, bytes) ->
                assertThat(bytes).as(component).isEqualTo(-1L));
    }

    @Test
    void countsTheBlocksAFileTakes() throws IOException {
        Path logs = Files.createDirectories(state.resolve("logs"));
        Files.write(logs.resolve("a.log"), new byte[256 * 1024]);

        assertThat(DiskUsage.allocated(List.of(logs))).isGreaterThanOrEqualTo(256 * 1024);
        assertThat(DiskUsage.allocated(List.of())).isZero();
    }

    @Test
    void bytesPerOrderIsTheGrowthSinceTheFirstSampleOverTheOrders() {
        Map<String, Long> first = Map.of("binlog", 1_000L, "kafka", 5_000L, "logs", -1L);
        Map<String, Long> now = Map.of("binlog", 41_000L, "kafka", 4_000L, "logs", 9_000L);

        Map<String, Double> perOrder = DiskUsage.perOrder(first, now, 100);

        assertThat(perOrder).containsEntry("binlog", 400.0);
        assertThat(perOrder).as("a component can shrink: Kafka deletes old segments").containsEntry("kafka", -10.0);
        assertThat(perOrder.get("logs")).as("unknown at the start").isNaN();
        assertThat(DiskUsage.perOrder(first, now, 0).get("binlog")).as("no order yet").isNaN();
    }
}
