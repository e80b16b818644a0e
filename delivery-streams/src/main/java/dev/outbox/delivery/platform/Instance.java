package dev.outbox.delivery.platform;

import org.apache.kafka.streams.state.HostInfo;

/**
 * This instance as other instances know it: Kafka Streams' {@code application.server} (advertised host and HTTP
 * port), which is what {@code queryMetadataForKey} reports as a key's active or standby host.
 */
public record Instance(HostInfo hostInfo) {

    public static Instance parse(String applicationServer) {
        int colon = applicationServer == null ? -1 : applicationServer.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("application.server must be host:port, was '" + applicationServer + "'");
        }
        return new Instance(new HostInfo(applicationServer.substring(0, colon),
                Integer.parseInt(applicationServer.substring(colon + 1))));
    }

    public boolean is(HostInfo other) {
        return hostInfo.equals(other);
    }

    /** {@code host:port}, as shown in {@code X-Served-By}. */
    public String id() {
        return id(hostInfo);
    }

    public static String id(HostInfo hostInfo) {
        return hostInfo.host() + ":" + hostInfo.port();
    }
}
