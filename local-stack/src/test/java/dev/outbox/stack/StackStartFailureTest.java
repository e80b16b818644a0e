package dev.outbox.stack;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * When one part fails to start, the launcher stops every process it started, including those of parts that were
 * still starting. The parts are stand-ins (a starter that throws, a slow one that spawns {@code sleep}), so no real
 * infrastructure runs.
 */
class StackStartFailureTest {

    private static final Path HOME = Path.of(System.getProperty("stack.home", "..")).toAbsolutePath().normalize();

    @TempDir
    Path state;

    /** Every process the stand-in starters spawned, to check (and, should the test fail, to stop). */
    private final Queue<Supervised> spawned = new ConcurrentLinkedQueue<>();

    @AfterEach
    void stopLeftovers() {
        spawned.forEach(p -> p.stop(Duration.ofSeconds(5)));
    }

    @Test
    void aPartThatSpawnsItsProcessAfterAnotherPartFailedDoesNotLeaveItRunning() throws Exception {
        CountDownLatch slowStarting = new CountDownLatch(1);
        CountDownLatch failed = new CountDownLatch(1);
        CountDownLatch slowSpawned = new CountDownLatch(1);
        Map<Stack.Part, Stack.Starter> starters = Map.of(
                Stack.Part.MARIADB, listener -> {
                    // still starting when the other part fails, and spawning its process only after that
                    slowStarting.countDown();
                    failed.await();
                    Thread.sleep(500);
                    Supervised p = spawn("slow-part", listener, slowSpawned);
                    p.awaitReady(Duration.ofSeconds(60), () -> false);
                    return p;
                },
                Stack.Part.KAFKA, listener -> {
                    // fail only once the slow part has begun: a part not begun yet is rightly never started
                    slowStarting.await();
                    failed.countDown();
                    throw new IllegalStateException("forced failure of kafka");
                });

        assertThatThrownBy(() -> Stack.start(settings(), EnumSet.of(Stack.Part.MARIADB, Stack.Part.KAFKA), quiet(),
                starters)).hasMessageContaining("forced failure of kafka");

        assertThat(slowSpawned.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(spawned).hasSize(1);
        assertStopped(spawned.peek());
    }

    @Test
    void aPartWaitingToGetReadyWhenAnotherPartFailsIsStopped() throws Exception {
        CountDownLatch slowSpawned = new CountDownLatch(1);
        Map<Stack.Part, Stack.Starter> starters = Map.of(
                Stack.Part.MARIADB, listener -> {
                    Supervised p = spawn("never-ready", listener, slowSpawned);
                    p.awaitReady(Duration.ofSeconds(120), () -> false);
                    return p;
                },
                Stack.Part.KAFKA, listener -> {
                    slowSpawned.await();
                    throw new IllegalStateException("forced failure of kafka");
                });

        long begin = System.nanoTime();
        assertThatThrownBy(() -> Stack.start(settings(), EnumSet.of(Stack.Part.MARIADB, Stack.Part.KAFKA), quiet(),
                starters)).hasMessageContaining("forced failure of kafka");

        assertThat(Duration.ofNanos(System.nanoTime() - begin)).as("fails fast").isLessThan(Duration.ofSeconds(60));
        assertThat(spawned).hasSize(1);
        assertStopped(spawned.peek());
    }

    private Supervised spawn(String name, Supervised.Listener listener, CountDownLatch spawnedLatch) throws Exception {
        return Supervised.start(name, List.of("sleep", "300"), Map.of(), state, settings(), p -> {
            spawned.add(p);
            spawnedLatch.countDown();
            listener.started(p);
        });
    }

    private static void assertStopped(Supervised process) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(process.isAlive()).as(process.name() + " (pid " + process.pid() + ") still running").isFalse();
    }

    private StackSettings settings() {
        return StackSettings.fromEnvironment(HOME).withStateDir(state);
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }
}
