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
 * The passwords of the stack's database users ({@code orders}, {@code registry}, {@code debezium}): generated at
 * random the first time a state directory needs them, then kept in {@value #FILE} in that directory, readable and
 * writable by its owner only (0600), so every later start and every tool reading the same settings uses the same
 * ones. No two stacks share a password, and none is written in the repository.
 */
final class DbPasswords {

    static final String FILE = "db-passwords.properties";
    static final List<String> USERS = List.of("orders", "registry", "debezium");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private DbPasswords() {
    }

    static Path file(Path stateDir) {
        return stateDir.resolve(FILE);
    }

    /** The password of each user, from the state directory's file; the file is created first when missing. */
    static synchronized Map<String, String> loadOrCreate(Path stateDir) {
        Path file = file(stateDir);
        try {
            Map<String, String> passwords = read(file);
            if (passwords.keySet().containsAll(USERS)) {
                ownerOnly(file);
                return passwords;
            }
            for (String user : USERS) {
                passwords.computeIfAbsent(user, u -> generate());
            }
            write(file, passwords);
            // another process may have won the race to create it: what is on disk is what counts
            return read(file);
        } catch (IOException e) {
            throw new StackException("cannot keep the database passwords in " + file + ": " + e.getMessage());
        }
    }

    /** 32 random characters from the URL-safe Base64 alphabet (192 bits), nothing a shell or SQL would quote. */
    static String generate() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Map<String, String> read(Path file) throws IOException {
        Map<String, String> passwords = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return passwords;
        }
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(file)));
        for (String user : USERS) {
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
    private static void write(Path file, Map<String, String> passwords) throws IOException {
        Files.createDirectories(file.getParent());
        StringBuilder text = new StringBuilder("# Database passwords of this local stack, generated on its first start."
                + "\n# Delete the state directory (./stack reset) to get new ones; STACK_*_DB_PASSWORD overrides them.\n");
        passwords.forEach((user, password) -> text.append(user).append('=').append(password).append('\n'));
        Path temp = file.resolveSibling(FILE + "." + ProcessHandle.current().pid() + ".tmp");
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
