package dev.outbox.stack;

/**
 * The schema registry's accounts in the local stack, one per role (see {@code schema-registry/README.md}):
 * {@code admin} (everything), {@code writer} (also registers schemas: what the two apps use) and {@code reader}.
 *
 * <p>Passwords come from {@code STACK_REGISTRY_ADMIN_PASSWORD}, {@code STACK_REGISTRY_WRITER_PASSWORD} and
 * {@code STACK_REGISTRY_READER_PASSWORD} (or {@code -Dstack.registry.admin.password=...}); the fallbacks are local
 * development defaults only, like the database passwords' (the stack binds 127.0.0.1).
 */
public record RegistryAccounts(String adminPassword, String writerPassword, String readerPassword) {

    public static final String ADMIN = "admin";
    public static final String WRITER = "writer";
    public static final String READER = "reader";

    public static RegistryAccounts fromEnvironment() {
        return new RegistryAccounts(
                StackSettings.value("registry.admin.password", "registry-admin-local"),
                StackSettings.value("registry.writer.password", "registry-writer-local"),
                StackSettings.value("registry.reader.password", "registry-reader-local"));
    }

    /** {@code admin:password}, as the serde's {@code basic.auth.user.info} takes it. */
    public String adminUserInfo() {
        return ADMIN + ":" + adminPassword;
    }

    public String writerUserInfo() {
        return WRITER + ":" + writerPassword;
    }

    public String readerUserInfo() {
        return READER + ":" + readerPassword;
    }

    @Override
    public String toString() {
        return "RegistryAccounts[admin, writer, reader]";
    }
}
