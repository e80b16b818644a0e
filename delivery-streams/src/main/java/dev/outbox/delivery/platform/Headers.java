package dev.outbox.delivery.platform;

/** Response and internal request headers of the HTTP API. */
public final class Headers {

    /** {@code host:port} of the instance that read the store for this answer. */
    public static final String SERVED_BY = "X-Served-By";
    /** {@code active} or {@code standby}: which copy of the store answered (a standby may lag behind). */
    public static final String SERVED_FROM = "X-Served-From";
    /** {@code host:port} of the instance that took the request and forwarded it to {@link #SERVED_BY}. */
    public static final String ROUTED_BY = "X-Routed-By";

    private Headers() {
    }
}
