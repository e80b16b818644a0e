package dev.outbox.order;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A few hundred malformed bodies (wrong types, missing fields, huge numbers, odd unicode, deep nesting, empty, not
 * JSON, random bytes): every one gets a 4xx problem+json, never a 5xx.
 */
class OrderApiFuzzTest extends OrderApiTestBase {

    private static final String VALID = orderBody("c-fuzz");

    @Test
    void malformedBodiesGetA4xxProblemAndNeverA5xx() {
        List<String> bodies = malformedBodies(new Random(20261125));
        assertThat(bodies).hasSizeGreaterThan(300);
        List<String> failures = new ArrayList<>();
        for (String body : bodies) {
            Reply reply = send("POST", "/orders", body);
            boolean ok = reply.status() >= 400 && reply.status() < 500
                    && reply.contentType().startsWith("application/problem+json");
            if (!ok) {
                failures.add(reply.status() + " " + reply.contentType() + " for: "
                        + body.substring(0, Math.min(200, body.length())));
            }
        }
        assertThat(failures).isEmpty();
    }

    static List<String> malformedBodies(Random random) {
        List<String> bodies = new ArrayList<>(List.of("", " ", "null", "true", "0", "[]", "\"text\"", "{}", "{",
                "}", "{\"customerId\"}", "{'customerId': 'c'}", "not json at all", "\u0000\u0001\u0002",
                "{\"customerId\": \"c\", \"lines\": null, \"deliveryAddress\": null}"));
        String[] wrongValues = {"null", "true", "1", "-1", "1.5", "1e309", "99999999999999999999999999", "\"\"",
                "\" \"", "[]", "{}", "\"\\u0000\"", "\"\\uD800\"", "\"a\\u0007b\"", "[1,2,3]", "{\"a\": 1}",
                "\"" + "y".repeat(5000) + "\"", "-0", "NaN", "Infinity", "0x10", "'single'"};
        String[] paths = {"customerId", "lines", "deliveryAddress", "lines[0].sku", "lines[0].quantity",
                "deliveryAddress.country", "deliveryAddress.recipient", "deliveryAddress.postalCode"};
        for (String path : paths) {
            for (String value : wrongValues) {
                if (path.endsWith("quantity") && value.equals("1")) {
                    continue; // a valid quantity
                }
                bodies.add(replace(VALID, path, value));
            }
            bodies.add(remove(VALID, path));
        }
        // deep nesting, in every field that takes an object or array
        for (int depth : new int[]{100, 1000, 5000}) {
            String nested = "[".repeat(depth) + "]".repeat(depth);
            bodies.add(replace(VALID, "lines", nested));
            bodies.add(replace(VALID, "deliveryAddress", "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)));
        }
        // truncations of a valid body
        for (int cut = 1; cut < VALID.length(); cut += 3) {
            bodies.add(VALID.substring(0, cut));
        }
        // random bytes and random unicode
        for (int i = 0; i < 60; i++) {
            StringBuilder s = new StringBuilder();
            int length = 1 + random.nextInt(300);
            for (int j = 0; j < length; j++) {
                s.append((char) (i % 2 == 0 ? random.nextInt(128) : random.nextInt(0xFFFF)));
            }
            bodies.add(s.toString());
        }
        return bodies;
    }

    /** The valid body with one field's value replaced by raw JSON text. */
    private static String replace(String body, String path, String rawJson) {
        return switch (path) {
            case "customerId" -> body.replace("\"customerId\": \"c-fuzz\"", "\"customerId\": " + rawJson);
            case "lines" -> body.replaceFirst("\"lines\": \\[.*?\\],\n", "\"lines\": " + java.util.regex.Matcher.quoteReplacement(rawJson) + ",\n");
            case "deliveryAddress" -> body.replaceFirst("\"deliveryAddress\": \\{[^}]*}", "\"deliveryAddress\": " + java.util.regex.Matcher.quoteReplacement(rawJson));
            case "lines[0].sku" -> body.replace("\"sku\": \"BOOK-1\"", "\"sku\": " + rawJson);
            case "lines[0].quantity" -> body.replace("\"quantity\": 2", "\"quantity\": " + rawJson);
            case "deliveryAddress.country" -> body.replace("\"country\": \"GB\"", "\"country\": " + rawJson);
            case "deliveryAddress.recipient" -> body.replace("\"recipient\": \"Ada Lovelace\"", "\"recipient\": " + rawJson);
            case "deliveryAddress.postalCode" -> body.replace("\"postalCode\": \"SW1Y 4JH\"", "\"postalCode\": " + rawJson);
            default -> throw new IllegalArgumentException(path);
        };
    }

    private static String remove(String body, String path) {
        return replace(body, path, "null");
    }
}
