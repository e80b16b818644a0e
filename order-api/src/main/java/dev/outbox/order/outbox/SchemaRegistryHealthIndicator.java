package dev.outbox.order.outbox;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code schemaRegistry} health contributor: UP once every event schema is registered (orders can be written);
 * OUT_OF_SERVICE during the first attempt; DOWN while the registry is retried after a transient failure, and for good
 * after a permanent refusal, with the registry's last answer.
 */
@Component("schemaRegistry")
class SchemaRegistryHealthIndicator implements HealthIndicator {

    private final SchemaRegistration registration;

    SchemaRegistryHealthIndicator(SchemaRegistration registration) {
        this.registration = registration;
    }

    @Override
    public Health health() {
        SchemaRegistration.Status status = registration.status();
        Health.Builder health = switch (status.state()) {
            case REGISTERED -> Health.up();
            case PENDING -> Health.outOfService().withDetail("reason", "registering the event schemas");
            case RETRYING -> Health.down().withDetail("reason", "the registry did not answer; retrying (orders are"
                    + " refused with 503 meanwhile)");
            case REFUSED -> Health.down().withDetail("reason", "the registry refused a schema; not retrying");
        };
        health.withDetail("url", registration.registryUrl()).withDetail("attempts", status.attempts());
        if (status.lastError() != null && status.state() != SchemaRegistration.State.REGISTERED) {
            health.withDetail("lastError", status.lastError())
                    .withDetail("lastAttemptAt", String.valueOf(status.lastAttemptAt()));
        }
        return health.build();
    }
}
