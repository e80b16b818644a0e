package dev.outbox.systemtest;

import dev.outbox.stack.StackSettings;
import dev.outbox.stack.junit.LocalStackExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health is public as a status only (the launcher and load balancers wait for "UP"); the details (database type,
 * disk paths, Kafka Streams state) are not shown to anyone who asks: the apps have no login, so never, and the
 * registry only to its admin account.
 */
@ExtendWith(LocalStackExtension.class)
class HealthIT {

    private static StackSettings settings;

    @BeforeAll
    static void settings(StackSettings s) {
        settings = s;
    }

    @Test
    void everyServiceAnswersItsStatusAndNothingMore() {
        for (String url : List.of(settings.orderApiUrl(), settings.deliveryUrl(), settings.registryUrl())) {
            Api.Reply health = Api.get(url + "/actuator/health");
            assertThat(health.status()).as(url).isEqualTo(200);
            assertThat(health.body()).as(url).contains("\"status\":\"UP\"")
                    .doesNotContain("components", "details", "diskSpace", "path", "MariaDB", "MySQL", "r2dbc", "kafka");
        }
    }
}
