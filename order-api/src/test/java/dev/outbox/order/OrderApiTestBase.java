package dev.outbox.order;

import dev.outbox.stack.Stack;
import dev.outbox.stack.StackSettings;
import dev.outbox.stack.junit.LocalStackExtension;
import dev.outbox.stack.junit.StackParts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The order API against the real MariaDB and schema registry of the local stack (started once per test run).
 * Outbox rows are kept here ({@code outbox.delete-after-insert=false}) so the tests can read what was written;
 * the end-to-end tests in system-tests run with the default (delete in the same transaction).
 */
@ExtendWith(LocalStackExtension.class)
@StackParts({Stack.Part.MARIADB, Stack.Part.REGISTRY})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"outbox.delete-after-insert=false", "server.address=127.0.0.1",
                "logging.structured.format.console=",
                // expired Idempotency-Keys are deleted every second, two rows per batch (see the cleanup test)
                "orders.idempotency.cleanup-interval=1s", "orders.idempotency.cleanup-batch-size=2",
                // the tests send what they test; the warm-up has a test of its own (ReadinessTest)
                "orders.readiness.warm-up=false"})
public abstract class OrderApiTestBase {

    protected static StackSettings stack;
    protected static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    protected static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    protected int port;

    @BeforeAll
    static void stack(StackSettings settings) {
        stack = settings;
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.r2dbc.url", () -> stack.ordersR2dbcUrl());
        registry.add("spring.r2dbc.password", () -> stack.ordersDbPassword());
        registry.add("spring.flyway.url", () -> stack.ordersJdbcUrl());
        registry.add("spring.flyway.password", () -> stack.ordersDbPassword());
        registry.add("outbox.schema-registry-url", () -> stack.registryUrl());
        registry.add("outbox.schema-registry-user-info", () -> stack.registryAccounts().writerUserInfo());
    }

    protected record Reply(int status, java.net.http.HttpHeaders headers, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }

        String contentType() {
            return headers.firstValue("content-type").orElse("");
        }
    }

    protected Reply send(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        boolean contentType = false;
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
            contentType |= headers[i].equalsIgnoreCase("content-type");
        }
        if (body != null && !contentType) {
            request.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers(), response.body());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        }
    }

    protected static String orderBody(String customerId) {
        return """
                {"customerId": "%s",
                 "lines": [{"sku": "BOOK-1", "quantity": 2}, {"sku": "MUG-7", "quantity": 1}],
                 "deliveryAddress": {"recipient": "Ada Lovelace", "street": "12 St James's Square", "city": "London",
                                     "postalCode": "SW1Y 4JH", "country": "GB"}}""".formatted(customerId);
    }

    protected static Connection db() throws SQLException {
        return DriverManager.getConnection(stack.ordersJdbcUrl(), "orders", stack.ordersDbPassword());
    }

    /** Rows of a query, each as column label → value. */
    protected static List<Map<String, Object>> rows(String sql, Object... args) {
        try (Connection c = db(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new java.util.LinkedHashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                    }
                    out.add(row);
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    protected static void execute(String sql) {
        try (Connection c = db()) {
            c.createStatement().execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
