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
 *       {@link dev.outbox.serde.HttpSchemaRegistryClient} (HTTP, retries, failover),
 *       {@link dev.outbox.serde.CachedSchemaRegistryClient} (caches) and
 *       {@link dev.outbox.serde.CountingSchemaRegistryClient} (counts calls);</li>
 *   <li>subject name strategies: {@link dev.outbox.serde.TopicNameStrategy},
 *       {@link dev.outbox.serde.RecordNameStrategy}, {@link dev.outbox.serde.TopicRecordNameStrategy}.</li>
 * </ul>
 */
package dev.outbox.serde;
