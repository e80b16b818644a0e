package dev.outbox.delivery.platform;

import dev.outbox.serde.AvroSerdeConfig;
import dev.outbox.serde.SchemaRegistryClient;
import java.util.HashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One caching schema-registry client for the whole app: the topology's serdes, the command producer, the feed. With
 * {@code outbox.schema-registry.user-info} ({@code user:password}, env {@code OUTBOX_SCHEMA_REGISTRY_USER_INFO}) it
 * signs in with HTTP Basic; the account needs to register schemas (the registry's writer role). Credentials in the
 * URL ({@code http://user:password@host:8081}) work too.
 */
@Configuration(proxyBeanMethods = false)
public class SchemaRegistryConfig {

    @Bean(destroyMethod = "close")
    SchemaRegistryClient schemaRegistryClient(@Value("${outbox.schema-registry.url}") String urls,
                                              @Value("${outbox.schema-registry.user-info:}") String userInfo) {
        Map<String, Object> config = new HashMap<>();
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, urls);
        if (!userInfo.isBlank()) {
            config.put(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG,
                    AvroSerdeConfig.CREDENTIALS_SOURCE_USER_INFO);
            config.put(AvroSerdeConfig.USER_INFO_CONFIG, userInfo);
        }
        return new AvroSerdeConfig(config).createClient();
    }
}
