package dev.outbox.order.outbox;

import dev.outbox.events.order.DeliveryAddressChanged;
import dev.outbox.events.order.OrderCancelled;
import dev.outbox.events.order.OrderPlaced;
import dev.outbox.serde.KafkaAvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes events as Avro in the Confluent wire format (0x00, 4-byte schema id, Avro binary), registering each
 * event's schema under its record name (RecordNameStrategy: several event types share one topic).
 *
 * <p>The schemas are registered once, ahead of time ({@link SchemaRegistration}); from then on encoding is pure CPU
 * and runs on the caller's thread. Until then (registry not reachable at start-up) it runs on the bounded-elastic
 * scheduler, because the registry call blocks and must not run on the event loop.
 */
@Component
public class EventEncoder {

    private static final Logger log = LoggerFactory.getLogger(EventEncoder.class);
    static final List<Class<? extends SpecificRecord>> EVENT_TYPES =
            List.of(OrderPlaced.class, OrderCancelled.class, DeliveryAddressChanged.class);

    public record Encoded(byte[] bytes, int schemaId) {
    }

    private final KafkaAvroSerializer serializer;
    private final String topic;
    private volatile boolean schemasKnown;

    public EventEncoder(OutboxProperties properties) {
        this.topic = properties.topic();
        this.serializer = new KafkaAvroSerializer();
        Map<String, Object> config = new HashMap<>(Map.of(
                "schema.registry.url", properties.schemaRegistryUrl(),
                "auto.register.schemas", true,
                "value.subject.name.strategy", "io.confluent.kafka.serializers.subject.RecordNameStrategy"));
        if (!properties.schemaRegistryUserInfo().isBlank()) {
            config.put("basic.auth.credentials.source", "USER_INFO");
            config.put("basic.auth.user.info", properties.schemaRegistryUserInfo());
        }
        serializer.configure(config, false);
    }

    /**
     * Registers the schema of one event type (a blocking registry call: never on the event loop); its id. Failures
     * are the serializer's, with the registry's typed exception as a cause. See {@link SchemaRegistration}.
     */
    int preregister(Class<? extends SpecificRecord> type) {
        int id = serializer.preregister(topic, type);
        log.info("schema of {} has id {}", type.getSimpleName(), id);
        return id;
    }

    /** Every event schema is registered: encoding needs no registry call any more. */
    void schemasRegistered() {
        schemasKnown = true;
    }

    public Mono<Encoded> encode(SpecificRecord event) {
        Mono<Encoded> encoded = Mono.fromCallable(() -> {
            byte[] bytes = serializer.serialize(topic, event);
            return new Encoded(bytes, ByteBuffer.wrap(bytes, 1, 4).getInt());
        });
        return schemasKnown ? encoded : encoded.subscribeOn(Schedulers.boundedElastic());
    }
}
