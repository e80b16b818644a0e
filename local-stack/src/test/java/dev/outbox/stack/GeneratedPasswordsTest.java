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

/**
 * No shared default password, for the database users or the registry's accounts: each state directory gets its own,
 * generated once and kept owner-only.
 */
class GeneratedPasswordsTest {

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
    void theRegistryAccountsGetGeneratedPasswordsKeptOwnerOnlyAndReused() throws IOException {
        RegistryAccounts accounts = settings(temp).registryAccounts();
        List<String> passwords = List.of(accounts.adminPassword(), accounts.writerPassword(), accounts.readerPassword());
        assertThat(Set.copyOf(passwords)).hasSize(3)
                .doesNotContain("registry-admin-local", "registry-writer-local", "registry-reader-local");
        assertThat(passwords).allMatch(p -> p.length() >= 20);

        Path file = temp.resolve("registry-passwords.properties");
        assertThat(settings(temp).registryPasswordsFile()).isEqualTo(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(settings(temp).registryAccounts()).isEqualTo(accounts);
        RegistryAccounts elsewhere = settings(temp.resolve("other")).registryAccounts();
        assertThat(List.of(elsewhere.adminPassword(), elsewhere.writerPassword(), elsewhere.readerPassword()))
                .doesNotContainAnyElementsOf(passwords);
        // the database users' file is another one: neither kind overwrites the other
        assertThat(Files.readString(file)).doesNotContain(settings(temp).ordersDbPassword());
    }

    @Test
    void aStackSettingOverridesARegistryPassword() {
        System.setProperty("stack.registry.writer.password", "writer-chosen-by-me");
        try {
            RegistryAccounts accounts = settings(temp).registryAccounts();
            assertThat(accounts.writerUserInfo()).isEqualTo("writer:writer-chosen-by-me");
            assertThat(accounts.adminPassword()).hasSizeGreaterThanOrEqualTo(20);
        } finally {
            System.clearProperty("stack.registry.writer.password");
        }
    }

    @Test
    void theAppsAndConnectAreGivenTheGeneratedPasswords() {
        StackSettings settings = settings(temp);
        assertThat(Connect.environment(settings)).containsEntry("DEBEZIUM_DB_PASSWORD", settings.debeziumDbPassword());
        assertThat(AppEnvironments.orderApi(settings, settings.registryAccounts()))
                .containsEntry("SPRING_R2DBC_PASSWORD", settings.ordersDbPassword())
                .containsEntry("SPRING_FLYWAY_PASSWORD", settings.ordersDbPassword());
        assertThat(AppEnvironments.registry(settings, settings.registryAccounts()))
                .containsEntry("SPRING_DATASOURCE_PASSWORD", settings.registryDbPassword())
                .containsEntry("REGISTRY_AUTH_ADMIN_PASSWORD", settings.registryAccounts().adminPassword());
        assertThat(AppEnvironments.delivery(settings, settings.registryAccounts(), "delivery-1"))
                .containsEntry("OUTBOX_SCHEMA_REGISTRY_USER_INFO", settings.registryAccounts().writerUserInfo());
    }

    private static StackSettings settings(Path state) {
        return StackSettings.fromEnvironment(HOME).withStateDir(state);
    }
}
