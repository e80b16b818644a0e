package dev.outbox.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

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

    @Test
    void aPidFileWrittenBeforeItsPidWasReusedIsStaleAndTheProcessNowHoldingThePidIsLeftRunning() throws IOException {
        StackSettings settings = settings();
        Process unrelated = new ProcessBuilder("sleep", "60").start();
        try {
            // the pid-only layout of earlier launchers, written an hour before the process now holding the pid started
            Instant written = startOf(unrelated).minus(Duration.ofHours(1));

            Path stale = writePidFile(settings, Long.toString(unrelated.pid()), written);
            assertThat(PidFiles.live(settings)).isEmpty();
            assertThat(stale).doesNotExist();

            writePidFile(settings, Long.toString(unrelated.pid()), written);
            assertNothingStopped(settings);
            assertThat(unrelated.isAlive()).isTrue();
        } finally {
            unrelated.destroyForcibly();
        }
    }

    @Test
    void aPidFileNamingAnotherStartInstantThanTheLiveProcessesIsStaleAndThatProcessIsLeftRunning() throws IOException {
        StackSettings settings = settings();
        Process unrelated = new ProcessBuilder("sleep", "60").start();
        try {
            // what a launcher wrote for an earlier process with this pid, five minutes before this one started
            String earlierProcess = unrelated.pid() + "\n"
                    + startOf(unrelated).minus(Duration.ofMinutes(5)).toEpochMilli() + "\n";

            Path stale = writePidFile(settings, earlierProcess, Instant.now());
            assertThat(PidFiles.live(settings)).isEmpty();
            assertThat(stale).doesNotExist();

            writePidFile(settings, earlierProcess, Instant.now());
            assertNothingStopped(settings);
            assertThat(unrelated.isAlive()).isTrue();
        } finally {
            unrelated.destroyForcibly();
        }
    }

    @Test
    void aProcessTheStackStartedIsFoundByItsPidFileAndStopped() throws IOException {
        StackSettings settings = settings();
        Supervised sleeper = Supervised.start("kafka", List.of("sleep", "60"), Map.of(), state, settings,
                Supervised.Listener.NONE);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            assertThat(PidFiles.live(settings)).containsOnlyKeys("kafka");
            assertThat(PidFiles.live(settings).get("kafka").pid()).isEqualTo(sleeper.pid());
            PidFiles.stopAll(settings, new PrintStream(out, true));

            assertThat(sleeper.isAlive()).isFalse();
            assertThat(PidFiles.file(settings, "kafka")).doesNotExist();
            assertThat(out.toString()).isEqualTo("stopped kafka (pid " + sleeper.pid() + ")" + System.lineSeparator());
        } finally {
            sleeper.kill();
        }
    }

    /** A pid file for kafka with {@code content}, last modified at {@code written}. */
    private static Path writePidFile(StackSettings settings, String content, Instant written) throws IOException {
        Files.createDirectories(PidFiles.dir(settings));
        Path file = Files.writeString(PidFiles.file(settings, "kafka"), content);
        Files.setLastModifiedTime(file, FileTime.from(written));
        return file;
    }

    private void assertNothingStopped(StackSettings settings) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PidFiles.stopAll(settings, new PrintStream(out, true));
        assertThat(out.toString()).isEqualTo("nothing running in " + state + System.lineSeparator());
        assertThat(PidFiles.file(settings, "kafka")).doesNotExist();
    }

    private static Instant startOf(Process process) {
        return process.info().startInstant().orElseThrow();
    }

    private StackSettings settings() {
        return StackSettings.fromEnvironment(state).withStateDir(state);
    }
}
