package dev.outbox.connect.auth;

import org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension;

/**
 * Kafka's {@link BasicAuthSecurityRestExtension}, unchanged but for its version. The extension is not published for
 * Kafka 4.4.0 where we resolve artifacts; the 4.3 one runs on a 4.4 worker except that its {@code version()} calls
 * {@code AppInfoParser} where 4.4 no longer has it ({@code common.utils.internals} now), and the worker asks every
 * REST extension its version when it registers it. Replace this class with Kafka's own in
 * {@code rest.extension.classes} once the 4.4 artifact resolves.
 *
 * <p>What it does is Kafka's: every request but the ones a leader forwards to a worker needs HTTP Basic credentials
 * that the JAAS login context {@code KafkaConnect} accepts (the launcher configures Kafka's
 * {@code PropertyFileLoginModule} with a file of {@code user=password} lines); others get 401.
 */
public class BasicAuthRestExtension extends BasicAuthSecurityRestExtension {

    @Override
    public String version() {
        String version = BasicAuthRestExtension.class.getPackage().getImplementationVersion();
        return version != null ? version : "unknown";
    }
}
