package dev.outbox.stack.junit;

import dev.outbox.stack.Stack;
import dev.outbox.stack.StackSettings;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Starts the local stack once per test run (per set of {@link StackParts}) and stops it when the run ends.
 *
 * <p>The stack lives in the root extension store, which JUnit closes after the last test of the run; every test
 * class asking for the same parts shares it. It runs on free ports and in its own, emptied state directory under
 * the module's {@code target/}, so it never collides with a stack a developer has running.
 *
 * <p>System properties: {@code stack.home} (the project root; default: the parent of the working directory, which
 * is the module folder under Maven) and {@code stack.test.dir} (default {@code target/stack}).
 */
public final class LocalStackExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalStackExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        stack(context);
    }

    /** The stack for the calling test class, started on first use. */
    public static Stack stack(ExtensionContext context) {
        java.util.Optional<StackParts> annotation = context.getTestClass().map(c -> c.getAnnotation(StackParts.class));
        Set<Stack.Part> parts = annotation.map(a -> (Set<Stack.Part>) EnumSet.copyOf(List.of(a.value())))
                .orElse(Stack.Part.ALL);
        int instances = annotation.map(StackParts::instances).orElse(1);
        boolean warmUp = annotation.map(StackParts::warmUp).orElse(false);
        String key = parts.stream().map(Stack.Part::id).sorted().collect(Collectors.joining(","))
                + (instances == 1 ? "" : " x" + instances) + (warmUp ? " warm" : "");
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(key,
                k -> startStack(parts, instances, warmUp, k), Stack.class);
    }

    private static Stack startStack(Set<Stack.Part> parts, int instances, boolean warmUp, String key) {
        Path home = Path.of(System.getProperty("stack.home", "..")).toAbsolutePath().normalize();
        Path dir = Path.of(System.getProperty("stack.test.dir", "target/stack")).toAbsolutePath()
                .resolve(Integer.toHexString(key.hashCode()));
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String part : new String[]{"mariadb", "kafka", "kafka-controller", "registry", "connect", "order-api", "delivery",
                "order-api-1", "order-api-2", "delivery-1", "delivery-2"}) {
            ports.put(part, freePort());
        }
        StackSettings settings = StackSettings.fromEnvironment(home).withStateDir(dir).withInstances(instances)
                .withWarmUp(warmUp).withPorts(ports);
        Stack.deleteTree(dir);
        System.out.println("[tests] starting the stack (" + key + ") once for this run, ports " + ports);
        Stack stack = Stack.start(settings, parts, System.out);
        System.out.println("[tests] stack started, seconds per part: " + stack.startupSeconds());
        // the root store closes it after the run; the hook covers a run that is interrupted
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "test-stack-stop"));
        return stack;
    }

    /** A port that was free a moment ago; the stack binds it shortly after. */
    public static int freePort() {
        return StackSettings.freePort();
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
