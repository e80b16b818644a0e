package dev.outbox.delivery.command;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.Pattern;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Text a person typed, checked as the order API checks its text fields (its own {@code @PlainText}): no control
 * characters (NUL, CR, LF, TAB ...) and no unpaired UTF-16 surrogates (JSON allows {@code "\ud800"}; Avro's UTF-8
 * encoding would silently turn it into {@code ?}). A paired surrogate is one supplementary code point (not Cs), so
 * only unpaired ones fail.
 */
@Pattern(regexp = "[^\\p{Cc}\\p{Cs}]*", message = PlainText.MESSAGE)
@Constraint(validatedBy = {})
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE,
        ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface PlainText {

    String MESSAGE = "must not contain control characters or unpaired surrogates";

    String message() default MESSAGE;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
