package dev.outbox.stack;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Passwords of one kind of account in a local stack (the database users, the schema registry's accounts, Kafka
 * Connect's REST users): generated
 * at random the first time a state directory needs them, then kept in one file in that directory, readable and
 * writable by its owner only (0600), so every later start and every tool reading the same settings uses the same
 * ones. No two stacks share a password, and none is written in the repository.
 *
 * @param fileName where in the state directory
 * @param users    the accounts, as the file's keys
 * @param what     what they are, for the file's header and errors
 */
record GeneratedPasswords(String fileName, List<String> users, String what) {

    /** The database users; {@code STACK_<USER>_DB_PASSWORD} overrides one. */
    static final GeneratedPasswords DATABASE = new GeneratedPasswords("db-passwords.properties",
            List.of("orders", "registry", "debezium"), "database passwords");
    /** The schema registry's accounts; {@code STACK_REGISTRY_<ACCOUNT>_PASSWORD} overrides one. */
    static final GeneratedPasswords REGISTRY = new GeneratedPasswords("registry-passwords.properties",
            List.of(RegistryAccounts.ADMIN, RegistryAccounts.WRITER, RegistryAccounts.READER),
            "schema registry passwords");
    /**
     * Kafka Connect's REST users: the launcher's {@code admin} and the board's {@code board}. The worker's JAAS login
     * module reads this very file ({@code user=password} lines), so there is no override: a password set elsewhere
     * would not be the worker's.
     */
    static final GeneratedPasswords CONNECT = new GeneratedPasswords("connect-passwords.properties",
            List.of(Connect.ADMIN, Connect.BOARD), "Kafka Connect REST passwords");

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    Path file(Path stateDir) {
        return stateDir.resolve(fileName);
    }

    /** The password of each user, from the state directory's file; the file is created first when missing. */
    Map<String, String> loadOrCreate(Path stateDir) {
        // one lock for every kind: creating the state directory's files is rare and quick
        synchronized (GeneratedPasswords.class) {
            return loadOrCreateLocked(stateDir);
        }
    }

    private Map<String, String> loadOrCreateLocked(Path stateDir) {
        Path file = file(stateDir);
        try {
            Map<String, String> passwords = read(file);
            if (passwords.keySet().containsAll(users)) {
                ownerOnly(file);
                return passwords;
            }
            for (String user : users) {
                passwords.computeIfAbsent(user, u -> generate());
            }
            write(file, passwords);
            // another process may have won the race to create it: what is on disk is what counts
            return read(file);
        } catch (IOException e) {
            throw new StackException("cannot keep the " + what + " in " + file + ": " + e.getMessage());
        }
    }

    /** 32 random characters from the URL-safe Base64 alphabet (192 bits), nothing a shell or SQL would quote. */
    static String generate() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private Map<String, String> read(Path file) throws IOException {
        Map<String, String> passwords = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return passwords;
        }
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(file)));
        for (String user : users) {
            String value = properties.getProperty(user);
            if (value != null && !value.isBlank()) {
                passwords.put(user, value.strip());
            }
        }
        return passwords;
    }

    /**
     * Writes a new file next to the target, owner-only from its creation, then moves it into place: a reader never
     * sees a half-written file, and the passwords are never readable by others, not even for a moment.
     */
    private void write(Path file, Map<String, String> passwords) throws IOException {
        Files.createDirectories(file.getParent());
        StringBuilder text = new StringBuilder("# The " + what + " of this local stack, generated on its first start."
                + "\n# Delete the state directory (./stack reset) to get new ones.\n");
        passwords.forEach((user, password) -> text.append(user).append('=').append(password).append('\n'));
        Path temp = file.resolveSibling(fileName + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(temp);
        boolean posix = Files.getFileStore(file.getParent()).supportsFileAttributeView("posix");
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
        Files.createFile(temp, attributes);
        Files.writeString(temp, text);
        ownerOnly(temp);
        if (Files.exists(file)) {
            // it lacked a user: complete it in place of the old one
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        try {
            // a hard link fails if the file appeared meanwhile: the first writer wins, nobody overwrites it
            Files.createLink(file, temp);
        } catch (FileAlreadyExistsException raced) {
            // keep the winner's passwords
        } catch (UnsupportedOperationException | IOException noLinks) {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void ownerOnly(Path file) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView("posix")
                && !Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }
}
