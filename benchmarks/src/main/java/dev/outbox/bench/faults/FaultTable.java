package dev.outbox.bench.faults;

import dev.outbox.bench.Results;

import java.util.List;

/** The fault run as Markdown: the machine, the command, one row per fault, and what each column means. */
final class FaultTable {

    private FaultTable() {
    }

    static String markdown(String startedAt, String command, Results.Machine machine, FaultHarness.Options options,
                           List<FaultRow> rows, boolean holds) {
        StringBuilder md = new StringBuilder();
        md.append("# Fault run, ").append(startedAt).append("\n\n");
        md.append("Machine: ").append(machine.cores()).append(" cores, ").append(machine.memoryGiB()).append(" GiB, ")
                .append(machine.cpu()).append(", ").append(machine.java())
                .append(". Private stack (two delivery-streams instances, ")
                .append(options.brokers() == 1 ? "one Kafka broker" : options.brokers() + " Kafka brokers")
                .append(") and load on this one machine.\n\n");
        md.append("Command: `").append(command).append("`: ").append(options.ordersPerFault())
                .append(" orders or more per fault at ").append(options.rate()).append("/s");
        if (options.commandEvery() > 0) {
            md.append(", one in ").append(options.commandEvery()).append(" taken on to courier, pickup and delivery");
        }
        md.append(".\n\nInvariants: **").append(holds ? "hold for every fault" : "VIOLATED").append("**\n\n");
        md.append("| fault | accepted | lost | applied twice | wrong status | orphans | duplicates dropped | DLQ"
                + " | 503 | no answer | other 5xx | command 504 (retried) | commands accepted | reads failed"
                + " | down s | recovery s | max e2e ms |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (FaultRow r : rows) {
            md.append("| ").append(r.fault()).append(" | ").append(r.accepted()).append(" | ").append(r.lost())
                    .append(" | ").append(r.appliedTwice()).append(" | ").append(r.wrongStatus())
                    .append(" | ").append(r.orphans()).append(" | ").append(r.duplicatesDropped())
                    .append(" | ").append(r.deadLetters()).append(" | ").append(r.refused())
                    .append(" | ").append(r.unanswered()).append(" | ").append(r.serverErrors())
                    .append(" | ").append(r.commandTimeouts()).append(" | ").append(r.commandsAccepted())
                    .append(" | ").append(r.readsFailed()).append(" / ").append(r.reads())
                    .append(" | ").append(r.downSeconds()).append(" | ").append(r.recoverySeconds())
                    .append(" | ").append((long) r.maxEndToEndMs()).append(" |\n");
        }
        md.append("\nFaults:\n\n");
        rows.forEach(r -> md.append("- **").append(r.fault()).append("**: ").append(r.description()).append("\n"));
        md.append("""

                Columns: *accepted* orders answered 201 while the fault ran; *lost* of them missing from the database \
                or the projection; *applied twice* views whose history holds an event id twice; *wrong status* views \
                whose status is not what their accepted delivery commands imply; *orphans* orders in the database \
                without a view (whole run); *duplicates dropped* events on `order.events` more than once (by event \
                id), which the projection dropped (none applied twice); *DLQ* records added to `delivery.dlq`; *503* \
                refusals with Retry-After; *no answer* connection refused or reset; *other 5xx* server errors but 503 \
                and command 504, to orders and commands; *command 504* commands not decided in time, retried with the \
                same Idempotency-Key; *reads failed* reads of known orders through the surviving delivery instance \
                that did not answer 200; *down* the part's time from the fault to ready; *recovery* from the fault \
                until every later order was accepted and on `delivery.status` within 1 s; *max e2e* the longest \
                accepted -> on `delivery.status` of an order placed during the fault.
                """);
        return md.toString();
    }
}
