package dev.outbox.stack;

import java.io.PrintStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Places one order through the order API and follows it until the delivery projection shows it. */
final class Demo {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

    private Demo() {
    }

    static void placeOrder(StackSettings s, PrintStream out) {
        String body = """
                {"customerId": "demo-customer",
                 "lines": [{"sku": "BOOK-0001", "quantity": 2}, {"sku": "MUG-0042", "quantity": 1}],
                 "deliveryAddress": {"recipient": "Ada Lovelace", "street": "12 St James's Square",
                                     "city": "London", "postalCode": "SW1Y 4JH", "country": "GB"}}
                """;
        long begin = System.nanoTime();
        Http.Response placed = Http.send("POST", s.orderApiUrl() + "/orders", body);
        if (placed.status() != 201) {
            out.println("\nDemo order was not accepted: HTTP " + placed.status() + " " + placed.body());
            return;
        }
        Matcher id = ID.matcher(placed.body());
        if (!id.find()) {
            out.println("\nDemo order placed, but its id was not found in: " + placed.body());
            return;
        }
        String orderId = id.group(1);
        out.println("\nDemo order placed: POST " + s.orderApiUrl() + "/orders -> 201, id " + orderId);
        String deliveryUrl = s.deliveryUrl() + "/deliveries/" + orderId;
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            Http.Response view = Http.send("GET", deliveryUrl, null);
            if (view.status() == 200) {
                out.printf("Delivery visible after %.0f ms: GET %s%n  %s%n", (System.nanoTime() - begin) / 1e6,
                        deliveryUrl, view.body());
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        out.println("The demo order did not reach " + deliveryUrl + " within 30 s; see the logs of connect and delivery.");
    }
}
