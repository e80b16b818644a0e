package dev.outbox.order;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The health status is public (the launcher waits for "UP"); its details (database, disk paths) are not shown. */
class HealthTest extends OrderApiTestBase {

    @Test
    void healthShowsTheStatusOnly() throws Exception {
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).get("status").asString()).isEqualTo("UP");
        assertThat(health.body()).doesNotContain("components", "details", "r2dbc", "MariaDB", "MySQL", "diskSpace", "/");
    }
}
