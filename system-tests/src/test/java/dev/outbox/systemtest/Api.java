package dev.outbox.systemtest;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/** Small HTTP client for the apps' JSON APIs. */
final class Api {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final JsonMapper JSON = JsonMapper.builder().build();

    record Reply(int status, java.net.http.HttpHeaders headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new IllegalStateException("not JSON (" + status + "): " + body, e);
            }
        }

        Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }

    private Api() {
    }

    static Reply get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    /** GET with HTTP Basic credentials ({@code user:password}). */
    static Reply get(String url, String userInfo) {
        String credentials = java.util.Base64.getEncoder()
                .encodeToString(userInfo.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create(url)).GET().header("Authorization", "Basic " + credentials));
    }

    static Reply post(String url, String json) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)));
    }

    static Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers(), response.body());
        } catch (Exception e) {
            return new Reply(-1, java.net.http.HttpHeaders.of(java.util.Map.of(), (a, b) -> true), e.toString());
        }
    }

    /** GETs {@code url} until the reply satisfies {@code done}; returns the last reply. */
    static Reply getUntil(String url, Predicate<Reply> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Reply reply = get(url);
        while (!done.test(reply) && System.nanoTime() < deadline) {
            sleep(25);
            reply = get(url);
        }
        return reply;
    }

    static boolean hasStatus(Reply reply, String status) {
        return reply.status() == 200 && status.equals(reply.json().get("status").asString());
    }

    static String placeOrder(String orderApiUrl, String customerId) {
        Reply placed = post(orderApiUrl + "/orders", Bodies.order(customerId));
        if (placed.status() != 201) {
            throw new IllegalStateException("order not placed: " + placed.status() + " " + placed.body());
        }
        return placed.json().get("id").asString();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
