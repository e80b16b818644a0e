package dev.outbox.registry;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A drop-in for the Confluent Schema Registry (Avro only): Confluent's REST API, semantics and error codes, so that
 * Confluent's own clients work against it unchanged, with subjects, versions and ids kept in MariaDB.
 */
@SpringBootApplication
public class SchemaRegistryApplication {

    public static void main(String[] args) {
        SpringApplication.run(SchemaRegistryApplication.class, args);
    }
}
