package dev.outbox.systemtest;

import dev.outbox.bench.faults.FaultHarness;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The short variant of {@code ./stack faults}: a few thousand orders on a private stack of its own (free ports, two
 * delivery instances) while Connect, one delivery instance and MariaDB are killed with SIGKILL in turn. It asserts
 * the outbox's promises after each fault, never a timing: every accepted order is in the database and in the
 * projection with the status its commands imply, no event is applied twice, nothing is dead-lettered, no client
 * sees a 5xx but 503, and the Connect kill really re-delivered events that the projection dropped.
 */
class FaultsIT {

    @Test
    void killsLoseNothingApplyNothingTwiceAndDeadLetterNothing() throws Exception {
        Path home = Path.of(System.getProperty("stack.home", "..")).toAbsolutePath().normalize();
        Path target = Path.of("target").toAbsolutePath();
        FaultHarness.Report report = FaultHarness.run(FaultHarness.Options.parse(new String[]{
                "--faults=connect,delivery,mariadb", "--orders=3000", "--rate=40",
                "--results=" + target.resolve("faults"), "--state-dir=" + target.resolve("faults-stack")}, home),
                home, "FaultsIT");
        System.out.println(report.markdown());

        assertThat(report.faults()).hasSize(3);
        report.faults().forEach(row -> {
            // every order placed is accounted for (at least the 1,000 asked per fault); most are accepted
            assertThat(row.accepted() + row.refused() + row.unanswered() + row.serverErrors() + row.otherAnswers())
                    .as(row.fault() + ": orders placed").isGreaterThanOrEqualTo(1000);
            assertThat(row.accepted()).as(row.fault() + ": orders accepted").isPositive();
            assertThat(row.lost()).as(row.fault() + ": accepted orders lost").isZero();
            assertThat(row.appliedTwice()).as(row.fault() + ": views with an event applied twice").isZero();
            assertThat(row.wrongStatus()).as(row.fault() + ": views whose status their commands do not imply").isZero();
            assertThat(row.orphans()).as(row.fault() + ": orders in the database without a view").isZero();
            assertThat(row.deadLetters()).as(row.fault() + ": dead letters").isZero();
            assertThat(row.serverErrors()).as(row.fault() + ": 5xx other than 503").isZero();
            assertThat(row.otherAnswers()).as(row.fault() + ": answers neither 201 nor 503").isZero();
            assertThat(row.flowsIncomplete()).as(row.fault() + ": command flows that gave up").isZero();
            assertThat(row.commandsAccepted()).as(row.fault() + ": delivery commands accepted").isPositive();
        });
        Map<String, dev.outbox.bench.faults.FaultRow> byFault = report.faults().stream()
                .collect(Collectors.toMap(dev.outbox.bench.faults.FaultRow::fault, Function.identity()));
        assertThat(byFault.get("connect").duplicatesDropped()).as("events re-sent after the Connect kill").isPositive();
        // the surviving instance kept answering: from standbys, then as the owner. A read waits up to 3 s for a
        // partition in motion; a CI run with a 1 s wait saw 2 of 884 reads answered 503 at the takeover, so this
        // allows 1 % rather than a race against the machine's speed (the table reports the exact count)
        var delivery = byFault.get("delivery");
        assertThat(delivery.reads()).isPositive();
        assertThat(delivery.readsFailed()).as("reads through the surviving instance that failed, of " + delivery.reads())
                .isLessThanOrEqualTo(delivery.reads() / 100);
        // with the database down the API answers 503 with Retry-After, and comes back without a restart
        assertThat(byFault.get("mariadb").refused()).as("503s while MariaDB was down").isPositive();
        assertThat(byFault.get("mariadb").unanswered()).as("requests the API left unanswered").isZero();
        assertThat(report.invariantsHold()).isTrue();
    }
}
