package dev.outbox.order.http;

import java.nio.charset.StandardCharsets;

/**
 * A problem+json body written by hand, for the answers given where no message writer is at hand: a web filter that
 * answers before the body is read, and Reactor Netty's own answers. The texts are the API's own (no quotes or
 * backslashes to escape); everything else answers through {@link ProblemHandler}.
 */
final class ProblemJson {

    static final String CONTENT_TYPE = "application/problem+json";

    private ProblemJson() {
    }

    static byte[] of(int status, String title, String detail) {
        return utf8(start(status, title, detail) + "}");
    }

    /** With the request's path as {@code instance}, as Spring's own problems have it. */
    static byte[] of(int status, String title, String detail, String instance) {
        return utf8(start(status, title, detail) + ",\"instance\":\"" + instance.replace("\"", "") + "\"}");
    }

    private static String start(int status, String title, String detail) {
        return "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\"" + detail
                + "\"";
    }

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
