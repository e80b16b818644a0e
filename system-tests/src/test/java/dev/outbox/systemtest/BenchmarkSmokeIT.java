package dev.outbox.systemtest;

import tools.jackson.databind.JsonNode;
import dev.outbox.bench.LoadBenchmark;
import dev.outbox.stack.StackSettings;
import dev.outbox.stack.junit.LocalStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code ./stack bench} working: a few seconds at one low rate against the test stack. It asserts only that
 * the benchmark produced well-formed results (every section, figures where figures belong), never a timing.
 */
@ExtendWith(LocalStackExtension.class)
class BenchmarkSmokeIT {

    @Test
    void aShortRunWritesWellFormedResults(StackSettings settings) throws Exception {
        Path out = Path.of("target/bench-smoke").toAbsolutePath();
        Path json = LoadBenchmark.run(new String[]{"--rates=20", "--jit-warmup=0s", "--warmup=1s", "--measure=3s", "--baseline=1s",
                "--overload=false", "--view-samples=10", "--results=" + out}, settings);

        JsonNode results = Api.JSON.readTree(json.toFile());
        assertThat(results.at("/machine/cores").asInt()).isPositive();
        assertThat(results.at("/pids").has("order-api")).isTrue();
        assertThat(results.at("/pids").has("delivery")).isTrue();
        assertThat(results.at("/rawDatabase/operations").asLong()).isPositive();
        assertThat(results.at("/trivialHttp/operations").asLong()).isPositive();
        assertThat(results.get("sweep")).hasSize(1);
        JsonNode step = results.get("sweep").get(0);
        assertThat(step.get("targetRate").asDouble()).isEqualTo(20.0);
        assertThat(step.get("accepted").asLong()).isPositive();
        assertThat(step.get("errors").asLong()).isZero();
        assertThat(step.at("/acceptedToStatusTopic/count").asLong()).isEqualTo(step.get("accepted").asLong());
        assertThat(step.at("/acceptedToView/count").asLong()).isPositive();
        assertThat(step.at("/post/p99").isNumber()).isTrue();
        assertThat(step.at("/cpuMsPerOrder/order-api").asDouble()).isPositive();
        assertThat(step.at("/rssMiB/kafka").asDouble()).isPositive();
        assertThat(results.get("totalRssMiB").asDouble()).isPositive();

        String name = json.getFileName().toString().replace(".json", "");
        assertThat(Files.readString(out.resolve(name + ".md"))).contains("| sweep 20/s |");
        assertThat(Files.size(out.resolve(name + ".png"))).isPositive();
    }
}
