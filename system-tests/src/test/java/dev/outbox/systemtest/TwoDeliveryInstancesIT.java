package dev.outbox.systemtest;

import dev.outbox.stack.Stack;
import dev.outbox.stack.StackSettings;
import dev.outbox.stack.Supervised;
import dev.outbox.stack.junit.LocalStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.outbox.systemtest.Api.getUntil;
import static dev.outbox.systemtest.Api.hasStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two delivery-streams instances of one application: every key is answered correctly through either instance
 * (a request for a key the other one owns is forwarded), and when one stops, the other serves all keys after the
 * rebalance.
 */
@ExtendWith(LocalStackExtension.class)
class TwoDeliveryInstancesIT {

    @Test
    void eachInstanceAnswersForEveryKeyAndTheSurvivorServesAllKeys(Stack stack) throws Exception {
        StackSettings s = stack.settings();
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < 12; i++) { // keys on every partition
            orders.add(Api.placeOrder(s.orderApiUrl(), "c-two-" + i));
        }
        for (String id : orders) {
            assertThat(getUntil(s.deliveryUrl() + "/deliveries/" + id, r -> hasStatus(r, "AWAITING_COURIER"),
                    Duration.ofSeconds(30)).status()).isEqualTo(200);
        }

        int secondPort = LocalStackExtension.freePort();
        String second = "http://" + s.host() + ":" + secondPort;
        Supervised instance2 = stack.startExtraDeliveryInstance("delivery-2", secondPort);
        try {
            for (String url : List.of(s.deliveryUrl(), second)) {
                for (String id : orders) {
                    Api.Reply reply = getUntil(url + "/deliveries/" + id, r -> r.status() == 200, Duration.ofSeconds(30));
                    assertThat(reply.status()).as(url + " for " + id + ": " + reply.body()).isEqualTo(200);
                    assertThat(reply.json().get("orderId").asString()).isEqualTo(id);
                    assertThat(reply.json().get("status").asString()).isEqualTo("AWAITING_COURIER");
                    assertThat(reply.header("X-Served-By")).isPresent();
                }
            }

            stack.stop(Stack.Part.DELIVERY);

            String survivor = s.host() + ":" + secondPort;
            Set<String> servedBy = orders.stream().map(id -> getUntil(second + "/deliveries/" + id,
                            r -> r.status() == 200 && r.header("X-Served-By").orElse("").equals(survivor),
                            Duration.ofSeconds(60)))
                    .peek(r -> assertThat(r.status()).as(r.body()).isEqualTo(200))
                    .map(r -> r.header("X-Served-By").orElse("?"))
                    .collect(Collectors.toSet());
            assertThat(servedBy).containsExactly(survivor);
        } finally {
            instance2.stop(Duration.ofSeconds(30));
            // the other test classes share this stack: bring the default instance back
            if (stack.process(Stack.Part.DELIVERY).isEmpty()) {
                stack.restart(Stack.Part.DELIVERY);
            }
        }
    }
}
