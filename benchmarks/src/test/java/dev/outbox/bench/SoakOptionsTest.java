package dev.outbox.bench;

import dev.outbox.stack.StackSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The soak's options: its own, the benchmark's it shares, and the default rate from the last benchmark's results. */
class SoakOptionsTest {

    @TempDir
    Path home;

    @Test
    void theDefaultRateIsSixtyPercentOfTheNewestBenchmarksMaximum() throws IOException {
        Path results = Files.createDirectories(home.resolve("results"));
        Files.writeString(results.resolve("20261201T100000Z.json"), "{\"maxSustainableRate\" : 1000.0}");
        Files.writeString(results.resolve("20261202T071929Z.json"), "{\"maxSustainableRate\" : 750.0}");
        Files.writeString(results.resolve("soak-20261203T120000Z.json"), "{\"maxSustainableRate\" : 2000.0}");
        Files.writeString(results.resolve("faults-20261203T120000Z.json"), "{}");

        SoakOptions.Rate rate = SoakOptions.defaultRate(results);

        assertThat(rate.perSecond()).isEqualTo(450);
        assertThat(rate.from()).contains("750/s").contains("20261202T071929Z.json");
    }

    @Test
    void withoutBenchmarkResultsTheRateIs300() throws IOException {
        assertThat(SoakOptions.defaultRate(home.resolve("none")).perSecond()).isEqualTo(300);
        Path results = Files.createDirectories(home.resolve("results"));
        Files.writeString(results.resolve("20261202T071929Z.json"), "{\"maxSustainableRate\" : 0.0}");
        assertThat(SoakOptions.defaultRate(results).perSecond()).as("no rate was sustainable").isEqualTo(300);
    }

    @Test
    void parsesItsOwnOptionsAndPassesTheBenchmarksOn() {
        SoakOptions o = SoakOptions.parse(new String[]{"--duration=10m", "--interval=30s", "--rate=100",
                "--order-api=http://127.0.0.1:9080", "--results=" + home.resolve("out")}, stack());

        assertThat(o.duration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(o.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.rate()).isEqualTo(100);
        assertThat(o.rateFrom()).isEqualTo("--rate");
        assertThat(o.commandEvery()).isEqualTo(10);
        assertThat(o.target().orderApiUrl()).isEqualTo("http://127.0.0.1:9080");
        assertThat(o.target().deliveryUrl()).isEqualTo(stack().deliveryUrl());
        assertThat(o.target().idempotencyKeys()).as("a key on every order").isTrue();
        assertThat(o.target().results()).isEqualTo(home.resolve("out").toAbsolutePath());
        assertThat(o.stateDir()).isEqualTo(stack().stateDir());
    }

    @Test
    void defaultsToAnHourInFiveMinuteIntervals() {
        SoakOptions o = SoakOptions.parse(new String[]{"--results=" + home.resolve("empty")}, stack());

        assertThat(o.duration()).isEqualTo(Duration.ofHours(1));
        assertThat(o.interval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(o.rate()).isEqualTo(300);
    }

    @Test
    void refusesWhatItCannotRun() {
        assertThatThrownBy(() -> SoakOptions.parse(new String[]{"--duration=1m", "--interval=5m", "--rate=1"}, stack()))
                .hasMessageContaining("--interval");
        assertThatThrownBy(() -> SoakOptions.parse(new String[]{"--rates=100", "--rate=1"}, stack()))
                .as("a benchmark option that means nothing here").hasMessageContaining("unknown option --rates");
        assertThatThrownBy(() -> SoakOptions.parse(new String[]{"--rate=0"}, stack())).hasMessageContaining("--rate");
    }

    private StackSettings stack() {
        return StackSettings.fromEnvironment(home);
    }
}
