package dev.outbox.registry.support;

import dev.outbox.registry.SchemaRegistryApplication;
import dev.outbox.stack.StackSettings;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The registry application, in this JVM, on a free port, against the test database. */
public final class RegistryInstance implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final RegistryClient client;

    private RegistryInstance(ConfigurableApplicationContext context) {
        this.context = context;
        this.client = new RegistryClient("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
    }

    public static RegistryInstance start(StackSettings settings) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(SchemaRegistryApplication.class).run(
                "--server.port=0",
                "--spring.datasource.url=jdbc:mariadb://" + settings.host() + ":" + settings.mariadbPort() + "/registry",
                "--spring.datasource.username=registry",
                "--spring.datasource.password=" + settings.registryDbPassword(),
                "--spring.main.banner-mode=off",
                "--spring.lifecycle.timeout-per-shutdown-phase=5s",
                "--management.endpoint.health.show-components=always",
                "--logging.level.root=WARN");
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
