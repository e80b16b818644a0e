package dev.outbox.order;

import io.asyncer.r2dbc.mysql.MySqlConnectionFactoryProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.r2dbc.autoconfigure.ConnectionFactoryOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * The database connections run on the HTTP server's event loops instead of a second set of them: a request and its
 * statements then need no hand-off between threads, which on two shared cores cost more (wake-ups, context
 * switches, cache misses) than the statements themselves. Small statements go out at once (TCP_NODELAY).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "orders.db.share-server-event-loop", havingValue = "true", matchIfMissing = true)
class DatabaseEventLoop {

    @Bean
    ConnectionFactoryOptionsBuilderCustomizer databaseOnTheServersEventLoop(ReactorResourceFactory resources) {
        return options -> options
                .option(MySqlConnectionFactoryProvider.LOOP_RESOURCES, resources.getLoopResources())
                .option(MySqlConnectionFactoryProvider.TCP_NO_DELAY, true);
    }
}
