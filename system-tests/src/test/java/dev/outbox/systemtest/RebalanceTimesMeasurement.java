package dev.outbox.systemtest;

import dev.outbox.stack.Stack;
import dev.outbox.stack.StackSettings;
import dev.outbox.stack.Supervised;
import dev.outbox.stack.junit.LocalStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.outbox.systemtest.Api.getUntil;
import static dev.outbox.systemtest.Api.hasStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures, on the real stack, how long the delivery application's rebalances take with two instances, under the
 * Streams rebalance protocol the apps run (the default, or {@code SPRING_KAFKA_STREAMS_PROPERTIES_GROUP_PROTOCOL},
 * which the instances the stack starts inherit). A measurement, not a test: it is not an {@code *IT} class, so
 * {@code verify} does not run it; run it by name (see the README, "Rebalance protocol"). Its only assertions are that
 * every key is served in the end; the times are printed and written to {@code target/rebalance-times-*.txt}.
 *
 * <p>An instance owns a key's task when a request to it for that key is answered by itself ({@code X-Served-By})
 * from its active store ({@code X-Served-From: active}); a standby answers only while the owner cannot.
 * <ol>
 *   <li><b>join</b>: a second instance starts; time from its being ready until it owns a first task;</li>
 *   <li><b>failover, clean stop</b>: the first instance stops (SIGTERM, it leaves the group); time from the stop
 *       until the second owns every key;</li>
 *   <li><b>rejoin</b>: the first instance restarts (its state directory kept); time until both own tasks;</li>
 *   <li><b>failover, kill</b>: the second is killed (SIGKILL, no leave); time until the first owns every key.</li>
 * </ol>
 */
@ExtendWith(LocalStackExtension.class)
class RebalanceTimesMeasurement {

    private static final Duration CAP = Duration.ofSeconds(120);
    private static final int KEYS = 12;

    @Test
    void measure(Stack stack) throws Exception {
        StackSettings s = stack.settings();
        String protocol = System.getenv().getOrDefault("SPRING_KAFKA_STREAMS_PROPERTIES_GROUP_PROTOCOL", "classic")
                .toLowerCase(Locale.ROOT);
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) { // keys on every partition
            orders.add(Api.placeOrder(s.orderApiUrl(), "c-rebalance-" + i));
        }
        for (String id : orders) {
            assertThat(getUntil(s.deliveryUrl() + "/deliveries/" + id, r -> hasStatus(r, "AWAITING_COURIER"),
                    Duration.ofSeconds(30)).status()).isEqualTo(200);
        }
        String first = s.deliveryUrl();
        String firstName = s.host() + ":" + s.deliveryPort();
        int secondPort = LocalStackExtension.freePort();
        String second = "http://" + s.host() + ":" + secondPort;
        String secondName = s.host() + ":" + secondPort;
        List<String> lines = new ArrayList<>();
        lines.add("group.protocol=" + protocol + ", " + KEYS + " keys on 3 partitions, cap " + CAP.toSeconds() + " s");

        long start = System.nanoTime();
        Supervised instance2 = stack.startExtraDeliveryInstance("delivery-2", secondPort);
        try {
            long ready = System.nanoTime();
            lines.add(String.format(Locale.ROOT, "second instance start -> ready: %.1f s", seconds(start, ready)));
            Long owns = until(() -> ownedBy(second, secondName, orders) > 0);
            lines.add("join: ready -> second instance owns a task: " + since(ready, owns)
                    + (owns == null ? "" : " (owns " + ownedBy(second, secondName, orders) + " of " + KEYS + " keys)"));

            long stop = System.nanoTime();
            stack.stop(Stack.Part.DELIVERY);
            long stopped = System.nanoTime();
            Long all = until(() -> ownedBy(second, secondName, orders) == KEYS);
            lines.add(String.format(Locale.ROOT, "failover, clean stop: stop -> survivor owns every key: %s "
                    + "(the stop itself took %.1f s)", since(stop, all), seconds(stop, stopped)));
            assertThat(all).as("survivor owns every key").isNotNull();

            stack.restart(Stack.Part.DELIVERY);
            long back = System.nanoTime();
            Long rejoined = until(() -> ownedBy(first, firstName, orders) > 0
                    && ownedBy(second, secondName, orders) > 0);
            lines.add("rejoin: restarted first instance ready -> both instances own tasks: " + since(back, rejoined)
                    + " (the second owns " + ownedBy(second, secondName, orders) + " of " + KEYS + " keys)");

            if (rejoined == null) {
                lines.add("failover, kill -9: not measured (the second instance owned no task to fail over)");
            } else {
                long kill = System.nanoTime();
                ProcessHandle.of(instance2.pid()).ifPresent(ProcessHandle::destroyForcibly);
                Long allAgain = until(() -> ownedBy(first, firstName, orders) == KEYS);
                lines.add("failover, kill -9: kill -> survivor owns every key: " + since(kill, allAgain));
                assertThat(allAgain).as("survivor owns every key").isNotNull();
            }
        } finally {
            instance2.stop(Duration.ofSeconds(30));
            if (stack.process(Stack.Part.DELIVERY).isEmpty()) {
                stack.restart(Stack.Part.DELIVERY);
            }
            lines.forEach(line -> System.out.println("[rebalance] " + line));
            write(protocol, lines);
        }
    }

    /** How many of the keys the instance at {@code url} answers itself, from an active store. */
    private static int ownedBy(String url, String name, List<String> orders) {
        int owned = 0;
        for (String id : orders) {
            Api.Reply reply = Api.get(url + "/deliveries/" + id);
            if (reply.status() == 200 && reply.header("X-Served-By").orElse("").equals(name)
                    && reply.header("X-Served-From").orElse("").equals("active")) {
                owned++;
            }
        }
        return owned;
    }

    /** Polls every 100 ms; the time it first held, or null when it did not within the cap. */
    private static Long until(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + CAP.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return System.nanoTime();
            }
            Api.sleep(100);
        }
        return null;
    }

    private static String since(long from, Long to) {
        return to == null ? "not within " + CAP.toSeconds() + " s" : String.format(Locale.ROOT, "%.1f s",
                seconds(from, to));
    }

    private static double seconds(long from, long to) {
        return (to - from) / 1e9;
    }

    private static void write(String protocol, List<String> lines) throws IOException {
        Path file = Path.of("target", "rebalance-times-" + protocol + ".txt");
        Files.createDirectories(file.getParent());
        Files.write(file, lines);
    }
}
