package dev.outbox.delivery.platform;

import java.util.Locale;
import java.util.regex.Pattern;

/** Order ids on the HTTP API: UUIDs, normalised to the lower-case form that keys the topics and stores. */
public final class OrderIds {

    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private OrderIds() {
    }

    /** @throws org.springframework.web.ErrorResponseException 400 when it is not a UUID */
    public static String canonical(String orderId, String what) {
        if (orderId == null || !UUID.matcher(orderId).matches()) {
            throw Problems.badRequest(what + " must be a UUID (8-4-4-4-12 hex digits), was '"
                    + (orderId == null ? "" : orderId.length() > 64 ? orderId.substring(0, 64) + "…" : orderId) + "'");
        }
        return orderId.toLowerCase(Locale.ROOT);
    }
}
