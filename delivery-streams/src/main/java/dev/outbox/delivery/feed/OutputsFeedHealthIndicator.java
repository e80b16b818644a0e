package dev.outbox.delivery.feed;

import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The outputs feed, which command requests wait on for their results: UP while it reads; OUT_OF_SERVICE until it
 * reads all its partitions (command requests could miss results) and once stopped; DOWN while it starts over after a
 * failure (command requests are refused meanwhile), with the failure, how many in a row and when it tries again, and
 * DOWN for good if its thread died.
 */
@Component("outputsFeed")
public class OutputsFeedHealthIndicator implements HealthIndicator {

    private final DeliveryOutputsFeed feed;

    public OutputsFeedHealthIndicator(DeliveryOutputsFeed feed) {
        this.feed = feed;
    }

    @Override
    public Health health() {
        FeedStatus status = feed.status();
        Health.Builder health = switch (status.state()) {
            case READING -> Health.up();
            case STARTING -> Health.outOfService()
                    .withDetail("reason", "not yet reading the command results and status topics");
            case STOPPED -> Health.outOfService().withDetail("reason", "stopped");
            case RESTARTING -> Health.down()
                    .withDetail("reason", "reading failed; starting over after a backoff (command requests are "
                            + "refused until then)")
                    .withDetail("failures", status.failures())
                    .withDetail("nextAttemptAt", String.valueOf(status.nextAttemptAt()));
            case FAILED -> Health.down().withDetail("reason", "the feed's thread ended; restart the instance");
        };
        health.withDetail("state", status.state().name()).withDetail("restarts", status.restarts());
        if (status.lastError() != null) {
            health.withDetail("lastError", status.lastError())
                    .withDetail("lastFailureAt", Objects.toString(status.lastFailureAt()));
        }
        return health.build();
    }
}
