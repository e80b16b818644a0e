package dev.outbox.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** No shared default database passwords: each state directory gets its own, generated once and kept owner-only. */
class DbPasswordsTest {

    private static final Path HOME = Path.of(System.getProperty("stack.home", "..")).toAbsolutePath().normalize();

    @TempDir
    Path temp;

    @Test
    void twoFreshStateDirectoriesGetDifferentRandomPasswords() {
        StackSettings one = settings(temp.resolve("one"));
        StackSettings two = settings(temp.resolve("two"));

        List<String> first = List.of(one.ordersDbPassword(), one.registryDbPassword(), one.debeziumDbPassword());
        List<String> second = List.of(two.ordersDbPassword(), two.registryDbPassword(), two.debeziumDbPassword());
        assertThat(Set.copyOf(first)).hasSize(3).doesNotContain("orders-local", "registry-local", "debezium-local");
        assertThat(first).allMatch(p -> p.length() >= 20);
        assertThat(second).doesNotContainAnyElementsOf(first);
    }

    @Test
    void thePasswordsAreKeptInAnOwnerOnlyFileAndReused() throws IOException {
        StackSettings settings = settings(temp);
        String orders = settings.ordersDbPassword();

        Path file = temp.resolve("db-passwords.properties");
        assertThat(file).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).contains(orders);
        // another reader of the same settings (a second start, the benchmark) gets the same passwords
        StackSettings again = settings(temp);
        assertThat(again.ordersDbPassword()).isEqualTo(orders);
        assertThat(again.debeziumDbPassword()).isEqualTo(settings.debeziumDbPassword());
    }

    @Test
    void aStackSettingStillOverridesTheGeneratedPassword() {
        System.setProperty("stack.orders.db.password", "chosen-by-me");
        try {
            StackSettings settings = settings(temp);
            assertThat(settings.ordersDbPassword()).isEqualTo("chosen-by-me");
            assertThat(settings.registryDbPassword()).isNotEqualTo("registry-local").hasSizeGreaterThanOrEqualTo(20);
        } finally {
            System.clearProperty("stack.orders.db.password");
        }
    }

    @Test
    void theAppsAndConnectAreGivenTheGeneratedPasswords() {
        StackSettings settings = settings(temp);
        assertThat(Connect.environment(settings)).containsEntry("DEBEZIUM_DB_PASSWORD", settings.debeziumDbPassword());
        assertThat(AppEnvironments.orderApi(settings, RegistryAccounts.fromEnvironment())).containsEntry("SPRING_R2DBC_PASSWORD", settings.ordersDbPassword())
                .containsEntry("SPRING_FLYWAY_PASSWORD", settings.ordersDbPassword());
        assertThat(AppEnvironments.registry(settings, RegistryAccounts.fromEnvironment()))
                .containsEntry("SPRING_DATASOURCE_PASSWORD", settings.registryDbPassword());
    }

    private static StackSettings settings(Path state) {
        return StackSettings.fromEnvironment(HOME).withStateDir(state);
    }
}
