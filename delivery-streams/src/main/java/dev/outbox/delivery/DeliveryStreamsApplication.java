package dev.outbox.delivery;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The delivery projection: a Kafka Streams app that deduplicates order events, decides delivery commands against
 * the {@code deliveries} store, and serves that store over HTTP (interactive queries, routed to the owning instance).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DeliveryStreamsApplication {

    public static void main(String[] args) {
        SpringApplication.run(DeliveryStreamsApplication.class, args);
    }
}
