package dev.outbox.order.readiness;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * When an instance is ready for traffic, and how it leaves: {@code orders.readiness.*}.
 *
 * @param warmUp            whether the instance warms itself up before it reports ready (see {@link WarmUp})
 * @param warmUpRequests    at least this many dry-run orders before it may report ready
 * @param warmUpMax         the longest the warm-up may take; then the instance reports ready whatever the JIT does
 * @param warmUpConcurrency dry-run orders in flight at once
 * @param warmUpRate        dry-run orders started per second at most
 * @param drain             on shutdown, how long the instance keeps serving while it reports not ready, so that a
 *                          load balancer checking readiness stops sending before the server stops accepting (0: no
 *                          balancer in front)
 */
@ConfigurationProperties("orders.readiness")
public record ReadinessProperties(
        @DefaultValue("true") boolean warmUp,
        @DefaultValue("3000") int warmUpRequests,
        @DefaultValue("90s") Duration warmUpMax,
        @DefaultValue("4") int warmUpConcurrency,
        @DefaultValue("100") int warmUpRate,
        @DefaultValue("0s") Duration drain) {
}
