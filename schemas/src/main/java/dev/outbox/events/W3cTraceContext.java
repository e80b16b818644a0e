package dev.outbox.events;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The W3C trace context that travels with every event and command (the {@code traceparent} and {@code tracestate}
 * headers and outbox columns, the commands' {@code traceparent} field), so one order can be followed by its trace id
 * through the order API, Kafka and the delivery app. Only the format: what each app does with it is its own.
 *
 * <p>{@code traceparent} is {@code <version>-<trace id>-<parent id>-<flags>}: 2, 32, 16 and 2 lower-case hex digits;
 * version {@code ff} is invalid, and so is an all-zero trace id or parent id (W3C Trace Context, section 3.2).
 */
public final class W3cTraceContext {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";

    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final String ZEROS = "0".repeat(32);

    private W3cTraceContext() {
    }

    /** A traceparent that may be passed on: well formed, not version ff, neither id all zeros. */
    public static boolean isValidTraceparent(String traceparent) {
        return traceparent != null && FORMAT.matcher(traceparent).matches() && !traceparent.startsWith("ff")
                && !traceparent.regionMatches(3, ZEROS, 0, 32) && !traceparent.regionMatches(36, ZEROS, 0, 16);
    }

    /** A new trace: version 00, a random trace id and parent id (never all zeros), flags 01 (sampled) or 00. */
    public static String newTraceparent(boolean sampled) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        HexFormat hex = HexFormat.of();
        long high;
        long low;
        long span;
        do {
            high = random.nextLong();
            low = random.nextLong();
        } while (high == 0 && low == 0);
        do {
            span = random.nextLong();
        } while (span == 0);
        return "00-" + hex.toHexDigits(high) + hex.toHexDigits(low) + "-" + hex.toHexDigits(span)
                + (sampled ? "-01" : "-00");
    }

    /** The 32 hex digits of the trace id of a valid traceparent. */
    public static String traceId(String traceparent) {
        return traceparent.substring(3, 35);
    }

    /** The 16 hex digits of the parent (span) id of a valid traceparent. */
    public static String parentId(String traceparent) {
        return traceparent.substring(36, 52);
    }
}
