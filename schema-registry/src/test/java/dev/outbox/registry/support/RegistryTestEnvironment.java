package dev.outbox.registry.support;

import dev.outbox.stack.MariaDb;
import dev.outbox.stack.Stack;
import dev.outbox.stack.StackSettings;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;

/**
 * One real MariaDB (started by the local-stack launcher) and one registry on it, shared by every test class of the
 * run and stopped when the run ends. Test classes take a {@link RegistryClient} (the shared registry) or this
 * environment (to start more registry instances) as parameters.
 */
public final class RegistryTestEnvironment implements BeforeAllCallback, ParameterResolver {

    private static final String KEY = RegistryTestEnvironment.class.getName();

    @Override
    public void beforeAll(ExtensionContext context) {
        shared(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == RegistryClient.class || type == Environment.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Environment environment = shared(context);
        return parameter.getParameter().getType() == Environment.class ? environment : environment.client();
    }

    private static Environment shared(ExtensionContext context) {
        // the root store outlives every test class and closes its AutoCloseable values when the run ends
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(KEY, key -> Environment.start(), Environment.class);
    }

    /** The database and the shared registry; closing stops both. */
    public static final class Environment implements AutoCloseable {

        private final StackSettings settings;
        private final Stack stack;
        private final RegistryInstance registry;
        private final Thread safetyNet;

        private Environment(StackSettings settings, Stack stack, RegistryInstance registry, Thread safetyNet) {
            this.settings = settings;
            this.stack = stack;
            this.registry = registry;
            this.safetyNet = safetyNet;
        }

        static Environment start() {
            Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
            Path projectRoot = module.getParent();
            StackSettings settings = StackSettings.fromEnvironment(projectRoot)
                    .withStateDir(module.resolve("target/it-stack"))
                    .withPorts(Map.of("mariadb", freePort()));
            Stack stack = Stack.start(settings, EnumSet.of(Stack.Part.MARIADB), System.out);
            // if the JVM is ended without the store being closed, mariadbd must not outlive it
            Thread safetyNet = new Thread(stack::close, "registry-test-mariadb-stop");
            Runtime.getRuntime().addShutdownHook(safetyNet);
            try {
                // every run starts from an empty registry database, whatever an earlier run left behind
                MariaDb.execute(settings, "DROP DATABASE IF EXISTS registry;"
                        + " CREATE DATABASE registry CHARACTER SET utf8mb4;");
                return new Environment(settings, stack, RegistryInstance.start(settings), safetyNet);
            } catch (IOException e) {
                stack.close();
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stack.close();
                throw new IllegalStateException(e);
            } catch (RuntimeException e) {
                stack.close();
                throw e;
            }
        }

        public RegistryClient client() {
            return registry.client();
        }

        /** Runs SQL as the database's root (to break and mend things in tests). */
        public void sql(String statements) throws IOException, InterruptedException {
            MariaDb.execute(settings, statements);
        }

        /** Another registry instance on the same database (the caller closes it), {@code --key=value} args last. */
        public RegistryInstance startRegistry(String... extraArgs) {
            return RegistryInstance.start(settings, extraArgs);
        }

        /** A registry instance configured without any account (the caller closes it, should it start). */
        public RegistryInstance startRegistryWithoutAccounts() {
            return RegistryInstance.startWithoutAccounts(settings);
        }

        @Override
        public void close() {
            try {
                registry.close();
            } finally {
                stack.close();
                try {
                    Runtime.getRuntime().removeShutdownHook(safetyNet);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway; closing twice is harmless
                }
            }
        }

        private static int freePort() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
