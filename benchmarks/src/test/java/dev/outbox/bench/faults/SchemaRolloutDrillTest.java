package dev.outbox.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The drill's breaking change is one the build refuses, naming the field. */
class SchemaRolloutDrillTest {

    @Test
    void theBreakingChangeIsRefusedByTheBuildsCheckNamingTheField() throws Exception {
        String refusal = SchemaRolloutDrill.buildRefusal(Path.of("..").toAbsolutePath().normalize());

        assertThat(refusal).contains("field 'giftMessage'").contains("v3.avsc");
        assertThat(SchemaRolloutDrill.breakingChange().getField("giftMessage").schema().toString()).contains("int");
    }
}
