package dev.outbox.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.outbox.bench.faults.SchemaRolloutDrill;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The short variant of {@code ./stack schema-drill}: OrderPlaced v3 rolled out instance by instance over a private
 * stack running the previous version (built from git), under a steady trickle of orders, then a breaking change
 * refused by the build's check and the live registry. Asserts the drill's outcome, never a timing.
 */
class SchemaRolloutIT {

    @Test
    void aNewOptionalFieldRollsOutUnderLoadAndABreakingChangeIsRefusedNamingTheField() throws Exception {
        Path home = Path.of(System.getProperty("stack.home", "..")).toAbsolutePath().normalize();
        assumeFalse(shallow(home), "the drill builds the previous version from git history, which a shallow clone"
                + " does not have");
        Path target = Path.of("target").toAbsolutePath();

        SchemaRolloutDrill.Report report = SchemaRolloutDrill.run(SchemaRolloutDrill.Options.parse(new String[]{
                "--rate=20", "--phase=10s", "--warm-up=false", "--results=" + target.resolve("schema-rollout"),
                "--state-dir=" + target.resolve("schema-drill/stack")}, home), home, "SchemaRolloutIT");
        System.out.println(report.markdown());

        assertThat(report.lost()).as("lost").isZero();
        assertThat(report.appliedTwice()).as("applied twice").isZero();
        assertThat(report.deadLetters()).as("dead-lettered").isZero();
        report.steps().forEach(step -> {
            assertThat(step.serverErrors() + step.unanswered() + step.otherAnswers() + step.commandServerErrors())
                    .as("failed requests in '%s'", step.name()).isZero();
            assertThat(step.accepted()).as("orders accepted in '%s'", step.name()).isPositive();
        });
        assertThat(report.registryVersions()).as("OrderPlaced versions in the registry").isGreaterThanOrEqualTo(2);
        assertThat(report.giftMessagesShown()).isEqualTo(report.giftMessagesExpected()).isPositive();
        assertThat(report.buildRefusal()).contains("field 'giftMessage'");
        assertThat(report.registryRefusal()).startsWith("409").contains("giftMessage");
        assertThat(report.passed()).isTrue();
    }

    private static boolean shallow(Path home) throws Exception {
        Process git = new ProcessBuilder("git", "-C", home.toString(), "rev-parse", "--is-shallow-repository")
                .redirectErrorStream(true).start();
        String out = new String(git.getInputStream().readAllBytes()).strip();
        return git.waitFor() != 0 || out.equals("true");
    }
}
