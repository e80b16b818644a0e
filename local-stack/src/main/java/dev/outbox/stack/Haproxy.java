package dev.outbox.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The load balancer in front of the apps' instances, from Debian's {@code haproxy} package: one address per app
 * (order-api's port, delivery-streams' port) and the instances behind it, each checked every second on its
 * readiness ({@code /actuator/health/readiness}). An instance that warms up, drains before it stops, or is gone gets
 * no traffic: two failed checks take it out, two good ones put it back. A request whose connection to an instance
 * fails (the instance just closed its port) is sent to the other one.
 *
 * <p>Logs only what goes wrong (servers going down and up, errors; no line per request), on its standard error,
 * which the launcher keeps in {@code logs/haproxy.out}: a few lines per deploy.
 */
final class Haproxy {

    static final String NAME = "haproxy";

    private Haproxy() {
    }

    static Supervised start(StackSettings s, Supervised.Listener listener) throws IOException, InterruptedException {
        Path binary = requireBinary();
        Path dir = s.stateDir().resolve(NAME);
        Files.createDirectories(dir);
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, config(s, dir.resolve("admin.sock")));
        Process check = new ProcessBuilder(binary.toString(), "-c", "-q", "-f", config.toString())
                .redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes());
        if (check.waitFor() != 0) {
            throw new StackException("haproxy refused its configuration " + config + ":\n" + checked);
        }
        Supervised haproxy = Supervised.start(NAME, List.of(binary.toString(), "-W", "-db", "-f", config.toString()),
                Map.of(), dir, s, listener);
        // ready once each app answers through it, i.e. at least one instance of each passed its check
        haproxy.awaitReady(Duration.ofSeconds(60), () -> Http.ok(s.orderApiUrl() + "/actuator/health/readiness")
                && Http.ok(s.deliveryUrl() + "/actuator/health/readiness"));
        return haproxy;
    }

    /**
     * Waits until HAProxy itself has the instance {@code server} of {@code backend} back in rotation (its checks
     * passed {@code rise} times): an instance that answers ready is not yet one HAProxy sends traffic to, and a
     * rolling restart that stopped the next instance before then would leave the app with none.
     */
    static void awaitInRotation(StackSettings s, String backend, String server, Duration timeout) {
        Path socket = s.stateDir().resolve(NAME).resolve("admin.sock");
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                last = status(socket, backend, server);
                if (last.equals("UP")) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StackException("interrupted waiting for " + backend + "/" + server + " in haproxy", e);
            }
        }
        throw new StackException("haproxy did not put " + backend + "/" + server + " back in rotation within "
                + timeout.toSeconds() + " s (its status: " + last + ")");
    }

    /** The server's status in HAProxy's {@code show stat} (UP, DOWN, "UP 1/2" while rising, ...). */
    static String status(Path socket, String backend, String server) throws IOException {
        try (java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open(
                java.net.UnixDomainSocketAddress.of(socket))) {
            channel.write(java.nio.ByteBuffer.wrap("show stat\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            String stat = new String(java.nio.channels.Channels.newInputStream(channel).readAllBytes(),
                    java.nio.charset.StandardCharsets.US_ASCII);
            return statusIn(stat, backend, server);
        }
    }

    /** The {@code status} column of one server's row in {@code show stat}'s CSV (header: {@code # pxname,svname,...}). */
    static String statusIn(String stat, String backend, String server) {
        List<String> header = List.of(stat.lines().findFirst().orElse("").replaceFirst("^# ", "").split(","));
        int column = header.indexOf("status");
        return stat.lines().map(line -> line.split(",", -1))
                .filter(row -> row.length > column && column >= 0 && row[0].equals(backend) && row[1].equals(server))
                .map(row -> row[column]).findFirst().orElse("not listed");
    }

    /** The configuration: a frontend per app on its port, a backend with its instances. */
    static String config(StackSettings s, Path adminSocket) {
        StringBuilder cfg = new StringBuilder("""
                global
                    # errors and server state changes only, no line per request
                    log stderr format short local0 notice
                    maxconn 4096
                    # ./stack deploy-drill and operators: "disable server order-api/order-api-2" and the like
                    stats socket %s mode 600 level admin

                defaults
                    mode http
                    log global
                    option dontlognull
                    timeout connect 2s
                    timeout client 60s
                    timeout server 60s
                    # a client that does not finish its headers within 10 s is cut off (no slowloris)
                    timeout http-request 10s
                    timeout http-keep-alive 10s
                    # an instance whose connection fails, or that closes it unanswered (killed with the request in
                    # flight), is not the last word: the request goes to the other one. That needs the request kept
                    # (bodies up to the buffer's 16 KB); a POST sent twice so is safe with an Idempotency-Key, which
                    # answers the second with the first's answer
                    option http-buffer-request
                    retries 2
                    option redispatch
                    retry-on conn-failure empty-response
                    default-server inter 1s fall 2 rise 2

                """.formatted(adminSocket));
        app(cfg, "order-api", s.host(), s.orderApiPort(), "roundrobin", s.instances(), s::orderApiInstancePort,
                s.host());
        // server-sent events and the board's stream are long connections: the instance with the fewest takes the next
        app(cfg, "delivery", s.host(), s.deliveryPort(), "leastconn", s.instances(), s::deliveryInstancePort,
                s.host());
        return cfg.toString();
    }

    private static void app(StringBuilder cfg, String app, String host, int port, String balance, int instances,
                            java.util.function.IntUnaryOperator instancePort, String instanceHost) {
        cfg.append("frontend ").append(app).append('\n')
                .append("    bind ").append(host).append(':').append(port).append('\n')
                .append("    default_backend ").append(app).append("\n\n")
                .append("backend ").append(app).append('\n')
                .append("    balance ").append(balance).append('\n')
                .append("    option httpchk\n")
                .append("    http-check send meth GET uri /actuator/health/readiness\n")
                .append("    http-check expect status 200\n");
        for (int n = 1; n <= instances; n++) {
            cfg.append("    server ").append(StackSettings.instanceName(app, n)).append(' ').append(instanceHost)
                    .append(':').append(instancePort.applyAsInt(n)).append(" check\n");
        }
        cfg.append('\n');
    }

    static Path requireBinary() {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, NAME));
            }
        }
        candidates.add(Path.of("/usr/sbin", NAME));
        return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new StackException(
                "haproxy not found (it balances the apps' instances). Install it once with: sudo apt-get install -y"
                        + " haproxy (./stack does this for you when run as root), or run one instance of each app:"
                        + " STACK_INSTANCES=1"));
    }
}
