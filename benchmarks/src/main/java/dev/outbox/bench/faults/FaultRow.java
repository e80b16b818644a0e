package dev.outbox.bench.faults;

/**
 * One fault's outcome, as the table shows it. Counts are for the orders placed while the fault ran, except
 * {@code orphans} (every order in the database without a view, over the whole run so far) and the topic counts
 * (what the fault added to {@code order.events} duplicates and to the dead-letter topic).
 *
 * @param accepted          orders answered 201
 * @param lost              accepted orders missing from the database or from the projection
 * @param appliedTwice      views whose history holds an event id twice (added during this fault)
 * @param wrongStatus       accepted orders whose view's status is not what their accepted commands imply
 * @param orphans           orders in the database without a view in the projection
 * @param duplicatesDropped events delivered more than once on {@code order.events} (by event id) during this fault;
 *                          with {@code appliedTwice} at 0, the projection dropped every one of them
 * @param deadLetters       records added to the dead-letter topic
 * @param refused           answers 503 (with Retry-After), which a client retries
 * @param unanswered        requests with no answer (connection refused or reset, timeout)
 * @param serverErrors      5xx answers other than 503, to orders and to commands (504 counted apart)
 * @param otherAnswers      answers to orders that are neither 201, 503 nor 5xx (a 4xx to a valid order), or a 201
 *                          without an order id
 * @param commandTimeouts   command answers 504: undecided in time; the retry with the same key learns the outcome
 * @param commandsAccepted  delivery commands accepted (202)
 * @param flowsIncomplete   command flows that gave up (a command rejected or out of patience)
 * @param readsFailed       reads of known orders through the surviving delivery instance that did not answer 200
 * @param reads             those reads in all
 * @param downSeconds       from the fault's start until the part was ready again
 * @param recoverySeconds   from the fault's start until every later order was accepted and projected within 1 s
 * @param maxEndToEndMs     the longest accepted → on delivery.status of an order placed during the fault
 * @param orderAnswers      POST /orders answers by status (0: no answer), to tell which errors a row counts
 */
public record FaultRow(String fault, String description, long accepted, long lost, long appliedTwice, long wrongStatus,
                long orphans, long duplicatesDropped, long deadLetters, long refused, long unanswered,
                long serverErrors, long otherAnswers, long commandTimeouts, long commandsAccepted, long flowsIncomplete,
                long readsFailed, long reads, double downSeconds, double recoverySeconds, double maxEndToEndMs,
                       java.util.Map<Integer, Long> orderAnswers) {

    /** The invariants the issue sets: nothing lost, nothing applied twice, no dead letter, no 5xx but 503. */
    public boolean holds() {
        return lost == 0 && appliedTwice == 0 && wrongStatus == 0 && orphans == 0 && deadLetters == 0
                && serverErrors == 0 && otherAnswers == 0 && flowsIncomplete == 0;
    }
}
