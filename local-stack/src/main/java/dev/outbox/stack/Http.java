package dev.outbox.stack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The few HTTP calls the launcher makes (readiness probes, connector registration, the demo order). */
final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Http() {
    }

    record Response(int status, String body) {
    }

    static Response send(String method, String url, String json) {
        return send(method, url, json, null);
    }

    /** With HTTP Basic credentials ({@code user:password}) when {@code userInfo} is not null. */
    static Response send(String method, String url, String json, String userInfo) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json");
        if (userInfo != null) {
            request.header("Authorization", "Basic " + java.util.Base64.getEncoder()
                    .encodeToString(userInfo.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (java.io.IOException e) {
            return new Response(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(-1, "interrupted");
        }
    }

    static boolean ok(String url) {
        return ok(url, null);
    }

    static boolean ok(String url, String userInfo) {
        int status = send("GET", url, null, userInfo).status();
        return status >= 200 && status < 300;
    }

    /**
     * The value of a top-level object member of a JSON document, as JSON text. Enough to lift "config" out of a
     * connector file for {@code PUT /connectors/{name}/config} without a JSON library in the launcher.
     */
    static String member(String json, String name) {
        int key = json.indexOf("\"" + name + "\"");
        if (key < 0) {
            throw new IllegalArgumentException("no \"" + name + "\" in " + json);
        }
        int start = json.indexOf('{', key);
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return json.substring(start, i + 1);
            }
        }
        throw new IllegalArgumentException("unbalanced braces after \"" + name + "\"");
    }
}
