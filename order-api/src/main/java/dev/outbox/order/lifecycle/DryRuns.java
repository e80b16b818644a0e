package dev.outbox.order.lifecycle;

import dev.outbox.order.readiness.Readiness;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

/**
 * Whether an order is a dry run ({@code Warm-Up: dry-run}): the instance's own warm-up, taken only while it warms up
 * (no client is sent to it then); afterwards the header is refused, so no real order is taken for a rehearsal.
 */
@Component
class DryRuns {

    static final String HEADER = "Warm-Up";
    private static final String DRY_RUN = "dry-run";

    private final Readiness readiness;

    DryRuns(Readiness readiness) {
        this.readiness = readiness;
    }

    /** @throws ResponseStatusException (400) for the header on an instance that is not warming up */
    boolean requested(String header) {
        if (header == null) {
            return false;
        }
        if (!DRY_RUN.equals(header) || !readiness.warmingUp()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                    HEADER + " orders are taken only while the instance warms up, as '" + DRY_RUN + "'");
        }
        return true;
    }
}
