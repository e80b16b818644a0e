package dev.outbox.systemtest;

import dev.outbox.stack.Stack;
import dev.outbox.stack.StackSettings;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts the whole local stack once per test run and stops it when the run ends.
 *
 * <p>The stack lives in the root extension store, which JUnit closes after the last test of the run; every test
 * class using this extension shares it. It runs on free ports and in its own state directory
 * ({@code system-tests/target/stack}), so it never collides with a stack a developer has running, and starts from
 * empty state each run.
 */
public final class LocalStackExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalStackExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        stack(context);
    }

    static Stack stack(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Stack.class, k -> startStack(), Stack.class);
    }

    private static Stack startStack() {
        Path home = Path.of(System.getProperty("stack.home", "..")).toAbsolutePath().normalize();
        Path dir = Path.of(System.getProperty("stack.test.dir", "target/stack")).toAbsolutePath();
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String part : new String[]{"mariadb", "kafka", "kafka-controller", "registry", "connect", "order-api", "delivery"}) {
            ports.put(part, freePort());
        }
        StackSettings settings = StackSettings.fromEnvironment(home).withStateDir(dir).withPorts(ports);
        deleteTree(dir);
        System.out.println("[system-tests] starting the stack once for this run, ports " + ports);
        Stack stack = Stack.start(settings, Stack.Part.parse(System.getProperty("stack.test.parts", "all")), System.out);
        // the root store closes it after the run; the hook covers a run that is interrupted
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "system-tests-stack-stop"));
        System.out.println("[system-tests] stack started, per-part seconds: " + stack.startupSeconds());
        return stack;
    }

    /** A port that was free a moment ago; the stack binds it shortly after. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName(StackSettings.HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Stack.class || type == StackSettings.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Stack stack = stack(context);
        return parameter.getParameter().getType() == Stack.class ? stack : stack.settings();
    }
}
