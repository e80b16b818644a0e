package dev.outbox.stack;

/**
 * The schema registry's accounts in the local stack, one per role (see {@code schema-registry/README.md}):
 * {@code admin} (everything), {@code writer} (also registers schemas: what the two apps use) and {@code reader}.
 *
 * <p>{@link StackSettings#registryAccounts()} gives a stack's: generated on its first start and kept in its state
 * directory (0600), unless {@code STACK_REGISTRY_<ACCOUNT>_PASSWORD} sets one.
 */
public record RegistryAccounts(String adminPassword, String writerPassword, String readerPassword) {

    public static final String ADMIN = "admin";
    public static final String WRITER = "writer";
    public static final String READER = "reader";

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
