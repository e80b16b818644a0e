package dev.outbox.delivery.command;

import dev.outbox.delivery.platform.Problems;
import java.util.regex.Pattern;

/**
 * Text a person typed, checked as the order API checks its text fields (its {@code @PlainText}, {@code @NotBlank},
 * {@code @Size}): no control characters (NUL, CR, LF, TAB ...) and no unpaired UTF-16 surrogates (JSON allows
 * {@code "\ud800"}; Avro's UTF-8 encoding would silently turn it into {@code ?}), and a length limit. A violation is a
 * 400 problem naming the field.
 */
public final class PlainText {

    public static final String NOT_PLAIN = "must not contain control characters or unpaired surrogates";

    /** A paired surrogate is one supplementary code point (not Cs), so only unpaired ones match. */
    private static final Pattern FORBIDDEN = Pattern.compile("[\\p{Cc}\\p{Cs}]");

    private PlainText() {
    }

    /** The text, stripped; 400 when missing, blank, too long or not plain. */
    public static String required(String value, String field, int maxLength) {
        if (value == null || value.isBlank()) {
            checkPlain(value, field);
            throw Problems.invalidField(field, "is required and must not be blank");
        }
        return checked(value, field, maxLength);
    }

    /** The text stripped, or null when absent or blank; 400 when too long or not plain (even if blank). */
    public static String optional(String value, String field, int maxLength) {
        if (value == null) {
            return null;
        }
        checkPlain(value, field);
        return value.isBlank() ? null : checked(value, field, maxLength);
    }

    private static String checked(String value, String field, int maxLength) {
        checkPlain(value, field);
        String text = value.strip();
        if (text.length() > maxLength) {
            throw Problems.invalidField(field, "must be at most " + maxLength + " characters");
        }
        return text;
    }

    private static void checkPlain(String value, String field) {
        if (value != null && FORBIDDEN.matcher(value).find()) {
            throw Problems.invalidField(field, NOT_PLAIN);
        }
    }
}
