package dev.outbox.delivery.health;

import dev.outbox.delivery.feed.DeliveryOutputsFeed;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** OUT_OF_SERVICE until the outputs feed reads all its partitions: until then command requests could miss results. */
@Component("outputsFeed")
public class OutputsFeedHealthIndicator implements HealthIndicator {

    private final DeliveryOutputsFeed feed;

    public OutputsFeedHealthIndicator(DeliveryOutputsFeed feed) {
        this.feed = feed;
    }

    @Override
    public Health health() {
        return feed.isReady() ? Health.up().build() : Health.outOfService().withDetail("reason",
                "not yet reading the command results and status topics").build();
    }
}
