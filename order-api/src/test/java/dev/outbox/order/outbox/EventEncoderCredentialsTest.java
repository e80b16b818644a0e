package dev.outbox.order.outbox;

import dev.outbox.events.order.OrderCancelled;
import dev.outbox.serde.SchemaRegistryException;
import dev.outbox.stack.Stack;
import dev.outbox.stack.StackSettings;
import dev.outbox.stack.junit.LocalStackExtension;
import dev.outbox.stack.junit.StackParts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The encoder signs in to the stack's registry (authentication on) with {@code outbox.schema-registry-user-info}. */
@ExtendWith(LocalStackExtension.class)
@StackParts({Stack.Part.MARIADB, Stack.Part.REGISTRY})
class EventEncoderCredentialsTest {

    private static StackSettings stack;

    @BeforeAll
    static void stack(StackSettings settings) {
        stack = settings;
    }

    private static EventEncoder encoder(String userInfo) {
        return new EventEncoder(new OutboxProperties(stack.registryUrl(), "order.events", "order", true, userInfo));
    }

    private static OrderCancelled event() {
        return OrderCancelled.newBuilder().setEventId(UUID.randomUUID()).setOrderId(UUID.randomUUID())
                .setSequence(2).setOccurredAt(Instant.now()).setReason("test").build();
    }

    @Test
    void theWriterAccountRegistersAndEncodes() {
        EventEncoder.Encoded encoded = encoder(stack.registryAccounts().writerUserInfo()).encode(event()).block();
        assertThat(encoded.schemaId()).isPositive();
        assertThat(encoded.bytes()[0]).isZero();
    }

    @Test
    void withoutOrWithWrongCredentialsTheRegistryRefuses() {
        assertThatThrownBy(() -> encoder("").encode(event()).block())
                .hasRootCauseInstanceOf(SchemaRegistryException.class)
                .hasStackTraceContaining("answered 401");
        assertThatThrownBy(() -> encoder("writer:wrong").encode(event()).block())
                .hasStackTraceContaining("answered 401")
                .satisfies(e -> assertThat(e.toString()).doesNotContain("wrong"));
        // the reader may not register
        assertThatThrownBy(() -> encoder(stack.registryAccounts().readerUserInfo()).encode(event()).block())
                .hasStackTraceContaining("answered 403");
    }
}
