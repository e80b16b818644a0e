package dev.outbox.stack;

import dev.outbox.stack.junit.LocalStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The real MariaDB of the stack: its users log in with the generated passwords, the same ones on a second start. */
class MariaDbPasswordsTest {

    private static final Path HOME = Path.of(System.getProperty("stack.home", "..")).toAbsolutePath().normalize();

    @TempDir
    Path state;

    @Test
    void theUsersLogInWithTheGeneratedPasswordsAndASecondStartKeepsThem() throws Exception {
        StackSettings settings = StackSettings.fromEnvironment(HOME).withStateDir(state)
                .withPorts(Map.of("mariadb", LocalStackExtension.freePort()));
        String orders;
        try (Stack stack = Stack.start(settings, EnumSet.of(Stack.Part.MARIADB), System.out)) {
            orders = settings.ordersDbPassword();
            assertThat(settings.dbPasswordsFile()).exists();
            assertThat(logsIn(settings, "orders", orders)).isTrue();
            assertThat(logsIn(settings, "debezium", settings.debeziumDbPassword())).isTrue();
            assertThat(logsIn(settings, "registry", settings.registryDbPassword())).isTrue();
            assertThat(logsIn(settings, "orders", "orders-local")).as("the old shared default").isFalse();
        }
        String file = Files.readString(settings.dbPasswordsFile());

        try (Stack again = Stack.start(settings, EnumSet.of(Stack.Part.MARIADB), System.out)) {
            assertThat(Files.readString(settings.dbPasswordsFile())).isEqualTo(file);
            assertThat(StackSettings.fromEnvironment(HOME).withStateDir(state).ordersDbPassword()).isEqualTo(orders);
            assertThat(logsIn(settings, "orders", orders)).isTrue();
        }
    }

    /** Whether {@code user} can log in over TCP with {@code password}, as the apps do. */
    private static boolean logsIn(StackSettings s, String user, String password) throws Exception {
        Process p = new ProcessBuilder(List.of(MariaDb.requireBinary("mariadb").toString(), "--no-defaults",
                "--protocol=TCP", "--host=" + s.host(), "--port=" + s.mariadbPort(), "--user=" + user,
                "--password=" + password, "--batch", "--execute=SELECT 1"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() == 0;
    }
}
