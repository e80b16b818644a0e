package dev.outbox.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The drill's breaking change is one the build refuses, naming the field; how it reads a view's gift message. */
class SchemaRolloutDrillTest {

    @Test
    void theBreakingChangeIsRefusedByTheBuildsCheckNamingTheField() throws Exception {
        String refusal = SchemaRolloutDrill.buildRefusal(Path.of("..").toAbsolutePath().normalize());

        assertThat(refusal).contains("field 'giftMessage'").contains("v3.avsc");
        assertThat(SchemaRolloutDrill.breakingChange().getField("giftMessage").schema().toString()).contains("int");
    }

    @Test
    void aViewsGiftMessageIsReadFromItsJsonAndEmptyWhenNull() {
        assertThat(SchemaRolloutDrill.giftMessageIn("{\"orderId\":\"o-1\",\"giftMessage\": \"Happy birthday!\",\"lines\":[]}"))
                .isEqualTo(Optional.of("Happy birthday!"));
        assertThat(SchemaRolloutDrill.giftMessageIn("{\"orderId\":\"o-1\",\"giftMessage\":null}")).isEmpty();
    }
}
