package dev.outbox.stack.junit;

import dev.outbox.stack.Stack;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Which parts of the stack a test class needs (with what they depend on); without it, the whole stack.
 * Test classes asking for the same parts share one stack for the whole run.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
public @interface StackParts {
    Stack.Part[] value();
}
