package dev.outbox.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pid files another launcher finds a running stack by, without starting one. */
class PidFilesTest {

    @TempDir
    Path state;

    @Test
    void processesStopInThePartsStopOrderExtrasBeforeTheirPartUnknownOnesFirst() {
        List<String> names = List.of("connect", "delivery", "delivery-2", "kafka", "kafka-2", "kafka-3", "mariadb",
                "order-api", "registry", "something-else");

        assertThat(PidFiles.stopOrder(names)).containsExactly("something-else", "delivery-2", "delivery", "order-api",
                "connect", "registry", "kafka-3", "kafka-2", "kafka", "mariadb");
    }

    @Test
    void onlyLiveProcessesCountAndStalePidFilesAreRemoved() throws IOException {
        StackSettings settings = settings();
        Files.createDirectories(PidFiles.dir(settings));
        Files.writeString(PidFiles.file(settings, "kafka"), Long.toString(ProcessHandle.current().pid()));
        Path stale = Files.writeString(PidFiles.file(settings, "mariadb"), "not a pid");

        assertThat(PidFiles.live(settings)).containsOnlyKeys("kafka");
        assertThat(stale).doesNotExist();
        assertThatThrownBy(() -> PidFiles.refuseIfRunning(settings)).isInstanceOf(StackException.class)
                .hasMessageContaining("is already running: kafka (pid " + ProcessHandle.current().pid() + ")")
                .hasMessageContaining("./stack stop");
    }

    @Test
    void withoutPidFilesNothingRunsAndNothingIsStopped() {
        StackSettings settings = settings();
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThat(PidFiles.live(settings)).isEmpty();
        PidFiles.refuseIfRunning(settings);
        PidFiles.stopAll(settings, new PrintStream(out, true));
        assertThat(out.toString()).isEqualTo("nothing running in " + state + System.lineSeparator());
    }

    private StackSettings settings() {
        return StackSettings.fromEnvironment(state).withStateDir(state);
    }
}
