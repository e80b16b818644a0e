package dev.outbox.stack;

import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The Connect worker's configuration, without starting Connect: its EnvVarConfigProvider hands out only what the connector reads. */
class ConnectWorkerConfigTest {

    private static final Path HOME = Path.of(System.getProperty("stack.home", "..")).toAbsolutePath().normalize();

    @TempDir
    Path state;

    @Test
    void theEnvConfigProviderHasAnAllowlistOfExactlyTheVariablesTheConnectorFilesRead() throws IOException {
        Properties worker = new Properties();
        worker.load(new StringReader(Connect.workerConfig(settings())));

        assertThat(worker.getProperty("config.providers")).isEqualTo("env");
        assertThat(worker.getProperty("config.providers.env.param.allowlist.pattern")).isNotBlank();
        Set<String> read = new TreeSet<>();
        read.addAll(envVariablesIn(HOME.resolve("connect/order-outbox.mariadb.json")));
        read.addAll(envVariablesIn(HOME.resolve("connect/order-outbox.mysql.json")));
        assertThat(read).isNotEmpty();

        // the real provider, configured as the worker configures it (its config.providers.env.param.* keys)
        Map<String, String> environment = new HashMap<>(Connect.environment(settings()));
        environment.putAll(Map.of("HOME", "/root", "PATH", "/usr/bin", "STACK_ORDERS_DB_PASSWORD", "secret",
                "AWS_SECRET_ACCESS_KEY", "secret", "XOUTBOX_DB_HOST", "x", "OUTBOX_DB_HOST_2", "x"));
        Map<String, Object> params = new HashMap<>();
        worker.stringPropertyNames().stream().filter(k -> k.startsWith("config.providers.env.param."))
                .forEach(k -> params.put(k.substring("config.providers.env.param.".length()), worker.getProperty(k)));
        try (EnvVarConfigProvider provider = new EnvVarConfigProvider(environment)) {
            provider.configure(params);
            assertThat(provider.get("").data().keySet()).containsExactlyInAnyOrderElementsOf(read);
        }
    }

    @Test
    void theWorkerIsGivenEveryVariableTheConnectorReads() throws IOException {
        assertThat(Connect.environment(settings()).keySet())
                .containsExactlyInAnyOrderElementsOf(envVariablesIn(HOME.resolve("connect/order-outbox.mariadb.json")));
    }

    private StackSettings settings() {
        return StackSettings.fromEnvironment(HOME).withStateDir(state);
    }

    private static Set<String> envVariablesIn(Path connectorFile) throws IOException {
        Matcher m = Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)}").matcher(Files.readString(connectorFile));
        Set<String> names = new TreeSet<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
