package dev.outbox.delivery.board;

import dev.outbox.delivery.board.PipelineProbe.Part;
import dev.outbox.delivery.board.PipelineProbe.State;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The parts of the pipeline the board asks over HTTP, each within {@code board.probe-timeout}: the order API's
 * health, the schema registry (with the app's credentials), and Kafka Connect's status of the outbox connector and
 * its tasks (with {@code board.connect-user-info}). Each answer becomes a {@link Part} saying, in words, what works and what does not.
 */
final class HttpParts {

    private final BoardProperties board;
    private final String registryUrl;
    private final String registryUserInfo;
    private final JsonMapper json;
    private final HttpClient http;

    HttpParts(BoardProperties board, String registryUrls, String registryUserInfo, JsonMapper json) {
        this.board = board;
        this.registryUrl = registryUrls.split(",")[0].trim();
        this.registryUserInfo = registryUserInfo;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(board.probeTimeout()).build();
    }

    Part orderApi() {
        String url = board.orderApiUrl() + "/actuator/health";
        try {
            HttpResponse<String> response = get(url, null);
            if (response.statusCode() == 200) {
                return new Part("order-api", "Order API", State.UP, "healthy at " + board.orderApiUrl());
            }
            return new Part("order-api", "Order API", State.DOWN, "health check answered HTTP " + response.statusCode()
                    + " (" + statusOf(response.body()) + ")");
        } catch (Exception e) {
            return new Part("order-api", "Order API", State.DOWN, "not reachable at " + board.orderApiUrl()
                    + ": " + failure(e));
        }
    }

    Part registry() {
        URI uri = URI.create(registryUrl);
        String userInfo = !registryUserInfo.isBlank() ? registryUserInfo : uri.getUserInfo();
        String base = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        try {
            HttpResponse<String> response = get(base + "/subjects", userInfo);
            int status = response.statusCode();
            if (status == 200) {
                return new Part("registry", "Schema registry", State.UP, "answers at " + base);
            }
            if (status == 401 || status == 403) {
                return new Part("registry", "Schema registry", State.DEGRADED, "answers at " + base
                        + " but refuses this app's credentials (HTTP " + status + ")");
            }
            return new Part("registry", "Schema registry", State.DOWN, "answered HTTP " + status);
        } catch (Exception e) {
            return new Part("registry", "Schema registry", State.DOWN, "not reachable at " + base + ": "
                    + failure(e) + ". Events already decoded are shown; new ones wait until it is back");
        }
    }

    Part connect() {
        String url = board.connectUrl() + "/connectors/" + board.connector() + "/status";
        String name = "Kafka Connect";
        HttpResponse<String> response;
        try {
            response = get(url, board.connectUserInfo());
        } catch (Exception e) {
            return new Part("connect", name, State.DOWN, "Not reachable at " + board.connectUrl() + " ("
                    + failure(e) + "). Orders are still accepted and kept in the database's binlog; new orders "
                    + "will appear here when Connect returns.");
        }
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            return new Part("connect", name, State.DEGRADED, "answers at " + board.connectUrl()
                    + " but refuses the board's credentials (HTTP " + response.statusCode() + "): set"
                    + " board.connect-user-info");
        }
        if (response.statusCode() == 404) {
            return new Part("connect", name, State.DOWN, "connector " + board.connector()
                    + " is not registered: new orders will appear once it is.");
        }
        if (response.statusCode() != 200) {
            return new Part("connect", name, State.DOWN, "status of connector " + board.connector()
                    + " answered HTTP " + response.statusCode());
        }
        JsonNode status = json.readTree(response.body());
        String connectorState = status.path("connector").path("state").asString("UNKNOWN");
        List<String> tasks = new ArrayList<>();
        String failure = null;
        boolean allRunning = "RUNNING".equals(connectorState);
        for (JsonNode task : status.path("tasks")) {
            String state = task.path("state").asString("UNKNOWN");
            tasks.add("task " + task.path("id").asString("?") + " " + state);
            allRunning &= "RUNNING".equals(state);
            if ("FAILED".equals(state) && failure == null) {
                failure = task.path("trace").asString("").lines().findFirst().orElse("");
            }
        }
        if (tasks.isEmpty()) {
            allRunning = false;
            tasks.add("no task");
        }
        String detail = "connector " + board.connector() + " " + connectorState + ", " + String.join(", ", tasks);
        if (allRunning) {
            return new Part("connect", name, State.UP, detail);
        }
        if (failure != null || "FAILED".equals(connectorState)) {
            return new Part("connect", name, State.DOWN, detail + (failure == null ? "" : ": " + failure)
                    + ". New orders will appear here once the task runs again.");
        }
        return new Part("connect", name, State.DEGRADED, detail + ". New orders will appear here once it runs.");
    }

    private HttpResponse<String> get(String url, String userInfo) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(board.probeTimeout()).GET();
        if (userInfo != null && !userInfo.isBlank()) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String statusOf(String healthBody) {
        try {
            return json.readTree(healthBody).path("status").asString("?");
        } catch (RuntimeException e) {
            return "?";
        }
    }


    private String failure(Exception e) {
        return ProbeFailures.describe(e, board.probeTimeout());
    }
}
