package dev.outbox.delivery.projection;

import dev.outbox.delivery.platform.TraceContext;
import dev.outbox.delivery.rules.OrderEvent;
import dev.outbox.events.delivery.DeliveryCommand;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What the deliveries processor takes in: decoded order events and delivery commands, both keyed by order id, and
 * the source deserializers that decode them.
 *
 * <p>A record that cannot be decoded (not Avro, an unknown schema id, another type than the topic carries, no value)
 * makes its deserializer throw, and Kafka Streams' deserialization exception handler dead-letters it (see
 * {@code DeadLetterHandler}).
 */
public sealed interface DeliveryInput {

    TraceContext trace();

    /**
     * An order event, with the Avro bytes it came in: an event that arrives before its predecessors is held back as
     * it was consumed, and dead-lettered unchanged should it never apply.
     */
    record OrderEventReceived(OrderEvent event, TraceContext trace, byte[] value) implements DeliveryInput {
    }

    record CommandReceived(DeliveryCommand command, TraceContext trace) implements DeliveryInput {
    }

    /** Decodes {@code order.events} values; the trace comes from the record's {@code traceparent} header. */
    static Deserializer<OrderEventReceived> orderEvents(Deserializer<Object> avro) {
        return new Deserializer<>() {
            @Override
            public OrderEventReceived deserialize(String topic, byte[] data) {
                return deserialize(topic, null, data);
            }

            @Override
            public OrderEventReceived deserialize(String topic, Headers headers, byte[] data) {
                OrderEvent event = OrderEvent.of(avro.deserialize(topic, headers, requireValue(data)));
                return new OrderEventReceived(event, TraceContext.fromHeaders(headers), data);
            }
        };
    }

    /** Decodes {@code delivery.commands} values; the trace is the command's own, else the header's. */
    static Deserializer<CommandReceived> commands(Deserializer<Object> avro) {
        return new Deserializer<>() {
            @Override
            public CommandReceived deserialize(String topic, byte[] data) {
                return deserialize(topic, null, data);
            }

            @Override
            public CommandReceived deserialize(String topic, Headers headers, byte[] data) {
                Object payload = avro.deserialize(topic, headers, requireValue(data));
                if (!(payload instanceof DeliveryCommand command)) {
                    throw new IllegalArgumentException("not a DeliveryCommand: "
                            + (payload == null ? "null" : payload.getClass().getName()));
                }
                TraceContext trace = TraceContext.of(command.getTraceparent());
                return new CommandReceived(command, trace.isPresent() ? trace : TraceContext.fromHeaders(headers));
            }
        };
    }

    private static byte[] requireValue(byte[] data) {
        if (data == null) {
            throw new IllegalArgumentException("record has no value");
        }
        return data;
    }
}
