package dev.outbox.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.outbox.stack.Stack;
import dev.outbox.stack.StackSettings;
import dev.outbox.stack.junit.LocalStackExtension;
import dev.outbox.stack.junit.StackParts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The stack as it runs by default: two instances of each app behind HAProxy, one address per app. Both order-api
 * processes answer behind it, and a rolling restart of either app (each instance stopped, it drains and finishes what
 * it accepted, and started again, warm before it is ready) costs the clients of that address nothing.
 */
@ExtendWith(LocalStackExtension.class)
@StackParts(instances = 2, warmUp = true)
class BalancedStackIT {

    @Test
    void twoOrderApiProcessesAnswerBehindOneAddress(StackSettings settings) {
        for (int i = 0; i < 40; i++) {
            Api.placeOrder(settings.orderApiUrl(), "balanced-" + i);
        }
        for (int n = 1; n <= 2; n++) {
            String instance = "http://" + settings.host() + ":" + settings.orderApiInstancePort(n);
            double placed = placedOrders(instance);
            assertThat(placed).as("orders placed by instance %d", n).isGreaterThanOrEqualTo(10);
        }
    }

    @Test
    void aRollingRestartOfEitherAppCostsItsClientsNothing(Stack stack, StackSettings settings) throws Exception {
        String orderId = Api.placeOrder(settings.orderApiUrl(), "rolling-reader");
        await().atMost(Duration.ofSeconds(30)).until(() -> Api.get(delivery(settings, orderId)).status() == 200);
        Map<Integer, AtomicInteger> orders = new ConcurrentHashMap<>();
        Map<Integer, AtomicInteger> reads = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> accepted = new ConcurrentLinkedQueue<>();
        // what the failed answers said (who answered, why), so a failure names its cause
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(4);
        for (int c = 0; c < 2; c++) {
            clients.submit(() -> {
                while (running.get()) {
                    Api.Reply reply = Api.post(settings.orderApiUrl() + "/orders", Bodies.order("rolling"));
                    orders.computeIfAbsent(reply.status(), s -> new AtomicInteger()).incrementAndGet();
                    if (reply.status() == 201) {
                        accepted.add(reply.json().get("id").asString());
                    } else {
                        failures.add(describe("POST /orders", reply));
                    }
                    Api.sleep(20);
                }
            });
            clients.submit(() -> {
                while (running.get()) {
                    Api.Reply reply = Api.get(delivery(settings, orderId));
                    reads.computeIfAbsent(reply.status(), s -> new AtomicInteger()).incrementAndGet();
                    if (reply.status() != 200) {
                        failures.add(describe("GET /deliveries/" + orderId, reply));
                    }
                    Api.sleep(20);
                }
            });
        }
        try {
            for (String instance : List.of("order-api", "order-api-2", "delivery", "delivery-2")) {
                stack.restartRunning(instance);
            }
        } finally {
            running.set(false);
            clients.shutdown();
            assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(orders.keySet()).as("answers to orders during the restarts: %s; failed: %s", orders, failures)
                .containsOnly(201);
        assertThat(reads.keySet()).as("answers to reads during the restarts: %s; failed: %s", reads, failures)
                .containsOnly(200);
        assertThat(orders.get(201).get()).isGreaterThan(100);
        // and every order accepted meanwhile is projected
        List<String> ids = List.copyOf(accepted);
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream()
                .allMatch(id -> Api.get(delivery(settings, id)).status() == 200));
    }

    private static String describe(String request, Api.Reply reply) {
        return "%tT.%<tL %s -> %d %s %s".formatted(System.currentTimeMillis(), request, reply.status(),
                reply.headers().firstValue("X-Served-By").orElse("(no X-Served-By)"), reply.body());
    }

    private static String delivery(StackSettings settings, String orderId) {
        return settings.deliveryUrl() + "/deliveries/" + orderId;
    }

    /** Orders this instance placed, from its own metrics (Prometheus format). */
    private static double placedOrders(String instance) {
        String metrics = Api.get(instance + "/actuator/prometheus").body();
        return metrics.lines()
                .filter(l -> l.startsWith("orders_commands_seconds_count") && l.contains("command=\"place\"")
                        && l.contains("outcome=\"accepted\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
