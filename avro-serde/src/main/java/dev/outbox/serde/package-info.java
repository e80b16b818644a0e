/**
 * Kafka Avro serdes in the Confluent wire format, with a client for the Confluent-compatible schema registry REST API.
 *
 * <ul>
 *   <li>{@link dev.outbox.serde.KafkaAvroSerializer}, {@link dev.outbox.serde.KafkaAvroDeserializer}: the Kafka
 *       serializer and deserializer (configuration keys in {@link dev.outbox.serde.AvroSerdeConfig}, same names as
 *       Confluent's);</li>
 *   <li>{@link dev.outbox.serde.SpecificAvroSerde}, {@link dev.outbox.serde.GenericAvroSerde},
 *       {@link dev.outbox.serde.AvroSerde}: the same as Kafka Streams serdes;</li>
 *   <li>{@link dev.outbox.serde.SchemaRegistryClient} and its implementations
 *       {@link dev.outbox.serde.HttpSchemaRegistryClient} (HTTP, retries, failover) and
 *       {@link dev.outbox.serde.CachedSchemaRegistryClient} (caches); the tests' {@code CountingSchemaRegistryClient}
 *       (counts calls) is in the module's test-jar;</li>
 *   <li>subject name strategies: {@link dev.outbox.serde.TopicNameStrategy},
 *       {@link dev.outbox.serde.RecordNameStrategy}, {@link dev.outbox.serde.TopicRecordNameStrategy}.</li>
 * </ul>
 */
package dev.outbox.serde;
