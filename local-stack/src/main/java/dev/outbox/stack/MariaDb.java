package dev.outbox.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A private MariaDB server with the binlog Debezium needs (ROW format, FULL row images, a server id), from
 * Debian's {@code mariadb-server} package, data under the stack's state directory.
 *
 * <p>Accounts (least privilege): {@code orders} owns the {@code orders} schema, {@code registry} owns the
 * {@code registry} schema, {@code debezium} may only read the binlog and the {@code orders} schema. Each exists for
 * {@code localhost} and {@code 127.0.0.1}; the installer creates no anonymous users, which would shadow them.
 */
public final class MariaDb {

    static final String SERVER_BINARY = "mariadbd";

    private MariaDb() {
    }

    static Path dataDir(StackSettings s) {
        return s.stateDir().resolve("mariadb/data");
    }

    /** The server's Unix socket; under /tmp when the state path is too long for a socket address (108 bytes). */
    static Path socket(StackSettings s) {
        Path inState = s.stateDir().resolve("mariadb/mariadb.sock");
        if (inState.toString().length() < 100) {
            return inState;
        }
        return Path.of(System.getProperty("java.io.tmpdir"),
                "outbox-mariadb-" + Integer.toHexString(s.stateDir().toString().hashCode()) + ".sock");
    }

    public static Supervised start(StackSettings s, Supervised.Listener listener) throws IOException, InterruptedException {
        Path server = requireBinary(SERVER_BINARY);
        Path data = dataDir(s);
        boolean fresh = !Files.isDirectory(data.resolve("mysql"));
        if (fresh) {
            Files.createDirectories(data);
            run(List.of(requireBinary("mariadb-install-db").toString(), "--no-defaults", "--user=root",
                            "--datadir=" + data, "--auth-root-authentication-method=socket",
                            "--auth-root-socket-user=" + System.getProperty("user.name"),
                            "--skip-test-db", "--skip-name-resolve"),
                    s.logs().resolve("mariadb-install.log"), Duration.ofSeconds(120), "mariadb-install-db");
        }
        List<String> command = new ArrayList<>(List.of(server.toString(), "--no-defaults", "--user=root",
                "--datadir=" + data, "--socket=" + socket(s), "--port=" + s.mariadbPort(),
                "--bind-address=" + s.host(), "--pid-file=" + s.stateDir().resolve("mariadb/mariadbd.pid"),
                // the server's error log (start, stop, warnings: a few lines a day) in the part's log file
                "--log-error=" + Supervised.logOf(s, "mariadb"),
                "--log-bin=mysql-bin", "--binlog-format=ROW", "--binlog-row-image=FULL", "--server-id=1",
                // binlog: kept BINLOG_RETENTION (what Debezium needs: the longest Connect outage to resume from its
                // offset), in files of 128 MB so expiry frees space in steps; uncompressed, because Debezium's
                // binlog client silently skips MariaDB's compressed row events (orders placed then never arrive)
                "--binlog-expire-logs-seconds=" + binlogRetention().toSeconds(), "--max-binlog-size=128M",
                "--log-bin-compress=OFF",
                "--skip-name-resolve", "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_unicode_ci", "--max-connections=300",
                "--innodb-buffer-pool-size=" + bufferPoolMegabytes() + "M",
                // a redo log of 512 MB (default 96) and background flushing at SSD rates (default 200 IOPS): with the
                // defaults, checkpoints under a steady 300 orders/s stalled commits for some 400 ms every few minutes
                "--innodb-log-file-size=512M", "--innodb-io-capacity=1000",
                "--innodb-flush-log-at-trx-commit=1", "--sync-binlog=1"));
        Supervised process = Supervised.start("mariadb", command, Map.of(), s.stateDir(), s, listener);
        process.awaitReady(Duration.ofSeconds(60), () -> Files.exists(socket(s)) && ping(s));
        provision(s);
        return process;
    }

    /**
     * How long binlogs are kept ({@code STACK_BINLOG_RETENTION_HOURS}, default 24): Connect may be down this long and
     * resume from its offset. A connector's first start reads the binlog from its beginning (see the README, "First
     * start in any order"), so it must come within this time of the database's first order.
     */
    static Duration binlogRetention() {
        return Duration.ofHours(Long.parseLong(StackSettings.value("binlog.retention.hours", "24")));
    }

    /**
     * InnoDB's buffer pool ({@code STACK_MARIADB_BUFFER_POOL_MB}): by default a sixteenth of the machine's memory,
     * from 256 MB to 2 GB. Orders and their lines take about 0.3 KB each, so 1.5 GB (on 24 GB) holds some five
     * million; a table larger than the pool makes every order's insert a disk read. The pool's pages are touched as
     * they fill, so the server's RSS grows towards this size and then stays.
     */
    static long bufferPoolMegabytes() {
        String chosen = StackSettings.value("mariadb.buffer.pool.mb", null);
        if (chosen != null) {
            return Long.parseLong(chosen);
        }
        long machine = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize() / (1024 * 1024);
        return Math.max(256, Math.min(2048, machine / 16 / 128 * 128));
    }

    /** Creates the schemas and accounts; idempotent, so it runs on every start and picks up changed passwords. */
    static void provision(StackSettings s) throws IOException, InterruptedException {
        StringBuilder sql = new StringBuilder("""
                CREATE DATABASE IF NOT EXISTS orders CHARACTER SET utf8mb4;
                CREATE DATABASE IF NOT EXISTS registry CHARACTER SET utf8mb4;
                DELETE FROM mysql.global_priv WHERE User = '';
                """);
        for (String host : List.of("localhost", "127.0.0.1")) {
            String at = "@'" + host + "'";
            sql.append("CREATE USER IF NOT EXISTS 'orders'").append(at).append(";\n")
                    .append("ALTER USER 'orders'").append(at).append(" IDENTIFIED BY '").append(quote(s.ordersDbPassword())).append("';\n")
                    .append("GRANT ALL PRIVILEGES ON orders.* TO 'orders'").append(at).append(";\n")
                    .append("CREATE USER IF NOT EXISTS 'registry'").append(at).append(";\n")
                    .append("ALTER USER 'registry'").append(at).append(" IDENTIFIED BY '").append(quote(s.registryDbPassword())).append("';\n")
                    .append("GRANT ALL PRIVILEGES ON registry.* TO 'registry'").append(at).append(";\n")
                    .append("CREATE USER IF NOT EXISTS 'debezium'").append(at).append(";\n")
                    .append("ALTER USER 'debezium'").append(at).append(" IDENTIFIED BY '").append(quote(s.debeziumDbPassword())).append("';\n")
                    .append("GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'debezium'").append(at).append(";\n")
                    .append("GRANT SELECT, LOCK TABLES ON orders.* TO 'debezium'").append(at).append(";\n");
        }
        sql.append("FLUSH PRIVILEGES;\n");
        execute(s, sql.toString());
    }

    /** Runs SQL as the server's root account over the private socket (root has no network login). */
    public static void execute(StackSettings s, String sql) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(requireBinary("mariadb").toString(), "--no-defaults", "--user=root",
                "--socket=" + socket(s), "--batch", "--skip-column-names")
                .redirectErrorStream(true).start();
        p.getOutputStream().write(sql.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new StackException("mariadb: SQL failed: " + out.strip());
        }
    }

    private static boolean ping(StackSettings s) {
        try {
            Process p = new ProcessBuilder(requireBinary("mariadb-admin").toString(), "--no-defaults",
                    "--user=root", "--socket=" + socket(s), "ping").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String quote(String password) {
        return password.replace("\\", "\\\\").replace("'", "''");
    }

    private static void run(List<String> command, Path log, Duration timeout, String what)
            throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new StackException(what + " failed; see " + log + "\n" + Supervised.tail(log, 15));
        }
    }

    /** Finds a MariaDB program on the PATH or in /usr/sbin and /usr/bin, where Debian installs them. */
    static Path requireBinary(String name) {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, name));
            }
        }
        candidates.add(Path.of("/usr/sbin", name));
        candidates.add(Path.of("/usr/bin", name));
        return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new StackException(
                name + " not found. Install MariaDB once with: sudo apt-get install -y mariadb-server"
                        + " (./stack does this for you when run as root)"));
    }
}
