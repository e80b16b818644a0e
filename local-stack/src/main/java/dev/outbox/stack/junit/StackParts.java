package dev.outbox.stack.junit;

import dev.outbox.stack.Stack;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Which parts of the stack a test class needs (with what they depend on), and how many instances of each app;
 * without it, the whole stack with one instance each. Test classes asking for the same parts and instances share one
 * stack for the whole run.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
public @interface StackParts {
    Stack.Part[] value() default {Stack.Part.MARIADB, Stack.Part.KAFKA, Stack.Part.REGISTRY, Stack.Part.CONNECT,
            Stack.Part.ORDER_API, Stack.Part.DELIVERY, Stack.Part.HAPROXY};

    /** Instances of each app: 1 (the apps on their ports, no balancer) or 2 (behind HAProxy). */
    int instances() default 1;

    /** Whether order-api warms up before it reports ready (off: tests that measure no latency start faster). */
    boolean warmUp() default false;
}
