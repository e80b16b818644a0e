package dev.outbox.delivery.config;

import dev.outbox.serde.AvroSerdeConfig;
import dev.outbox.serde.SchemaRegistryClient;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One caching schema-registry client for the whole app: the topology's serdes, the command producer, the feed. */
@Configuration(proxyBeanMethods = false)
public class SchemaRegistryConfig {

    @Bean(destroyMethod = "close")
    SchemaRegistryClient schemaRegistryClient(@Value("${outbox.schema-registry.url}") String urls) {
        return new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, urls)).createClient();
    }
}
