package dev.outbox.registry.support;

import dev.outbox.registry.SchemaRegistryApplication;
import dev.outbox.stack.StackSettings;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The registry application, in this JVM, on a free port, against the test database, with HTTP Basic accounts for
 * each role (passwords new for every test run); {@link #client()} signs in as the admin.
 */
public final class RegistryInstance implements AutoCloseable {

    public static final String ADMIN = "admin:" + UUID.randomUUID();
    public static final String WRITER = "writer:" + UUID.randomUUID();
    public static final String READER = "reader:" + UUID.randomUUID();

    private final ConfigurableApplicationContext context;
    private final RegistryClient client;

    private RegistryInstance(ConfigurableApplicationContext context) {
        this.context = context;
        this.client = new RegistryClient("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"),
                ADMIN);
    }

    /** A registry with the test accounts; {@code extraArgs} ({@code --key=value}) come last and win. */
    public static RegistryInstance start(StackSettings settings, String... extraArgs) {
        return start(settings, true, extraArgs);
    }

    /** A registry with no account configured (and so, with authentication on, none that can sign in). */
    public static RegistryInstance startWithoutAccounts(StackSettings settings) {
        return start(settings, false);
    }

    private static RegistryInstance start(StackSettings settings, boolean accounts, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.datasource.url=jdbc:mariadb://" + settings.host() + ":" + settings.mariadbPort() + "/registry",
                "--spring.datasource.username=registry",
                "--spring.datasource.password=" + settings.registryDbPassword(),
                "--spring.main.banner-mode=off",
                "--spring.lifecycle.timeout-per-shutdown-phase=5s",
                "--logging.level.root=WARN"));
        for (String[] account : accounts ? List.of(ADMIN.split(":", 2), WRITER.split(":", 2), READER.split(":", 2))
                : List.<String[]>of()) {
            args.add("--registry.auth." + account[0] + ".username=" + account[0]);
            args.add("--registry.auth." + account[0] + ".password=" + account[1]);
        }
        args.addAll(List.of(extraArgs));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(SchemaRegistryApplication.class)
                .run(args.toArray(String[]::new));
        return new RegistryInstance(context);
    }

    public RegistryClient client() {
        return client;
    }

    @Override
    public void close() {
        context.close();
    }
}
