package dev.outbox.order.lifecycle;

import dev.outbox.order.lifecycle.OrderCommand.Address;
import dev.outbox.order.lifecycle.OrderCommand.Line;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Stores the aggregate's state in {@code customer_order} and {@code order_line}: one statement per round trip,
 * the lines of an order in one multi-row insert, and an update that only succeeds against the version it loaded.
 */
@Repository
public class OrderRepository {

    private final DatabaseClient db;

    public OrderRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Order> findById(UUID id) {
        // one round trip: the order joined with its lines, ordered
        return db.sql("""
                        SELECT o.id, o.customer_id, o.status, o.recipient, o.street, o.city, o.postal_code, o.country,
                               o.instructions, o.gift_message, o.cancel_reason, o.version, o.placed_at, o.updated_at,
                               l.sku, l.quantity
                        FROM customer_order o JOIN order_line l ON l.order_id = o.id
                        WHERE o.id = :id ORDER BY l.line_no""")
                .bind("id", id.toString())
                .map(OrderRepository::readRow)
                .all()
                .collectList()
                .flatMap(rows -> rows.isEmpty() ? Mono.empty() : Mono.just(toOrder(rows)));
    }

    public Mono<Void> insert(Order order) {
        DatabaseClient.GenericExecuteSpec orderRow = db.sql("""
                        INSERT INTO customer_order (id, customer_id, status, recipient, street, city, postal_code,
                            country, instructions, gift_message, cancel_reason, version, placed_at, updated_at)
                        VALUES (:id, :customerId, :status, :recipient, :street, :city, :postalCode, :country,
                            :instructions, :giftMessage, :cancelReason, :version, :placedAt, :updatedAt)""")
                .bind("customerId", order.customerId())
                .bind("giftMessage", nullable(order.giftMessage()))
                .bind("placedAt", utc(order.placedAt()))
                .bind("id", order.id().toString());
        orderRow = bindState(orderRow, order);
        StringBuilder sql = new StringBuilder("INSERT INTO order_line (order_id, line_no, sku, quantity) VALUES ");
        for (int i = 0; i < order.lines().size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(:id, ").append(i + 1).append(", :sku").append(i)
                    .append(", :qty").append(i).append(")");
        }
        DatabaseClient.GenericExecuteSpec lines = db.sql(sql.toString()).bind("id", order.id().toString());
        for (int i = 0; i < order.lines().size(); i++) {
            lines = lines.bind("sku" + i, order.lines().get(i).sku()).bind("qty" + i, order.lines().get(i).quantity());
        }
        return orderRow.fetch().rowsUpdated().then(lines.fetch().rowsUpdated()).then();
    }

    /** Saves the new state if nobody changed the order since {@code expectedVersion}; emits false otherwise. */
    public Mono<Boolean> update(Order order, long expectedVersion) {
        DatabaseClient.GenericExecuteSpec update = db.sql("""
                        UPDATE customer_order SET status = :status, recipient = :recipient, street = :street,
                            city = :city, postal_code = :postalCode, country = :country, instructions = :instructions,
                            cancel_reason = :cancelReason, version = :version, updated_at = :updatedAt
                        WHERE id = :id AND version = :expected""")
                .bind("id", order.id().toString())
                .bind("expected", expectedVersion);
        return bindState(update, order).fetch().rowsUpdated().map(updated -> updated == 1);
    }

    /** The columns a change can move: status, address, cancellation, version and time. */
    private static DatabaseClient.GenericExecuteSpec bindState(DatabaseClient.GenericExecuteSpec spec, Order order) {
        Address address = order.deliveryAddress();
        return spec.bind("status", order.status().name())
                .bind("recipient", address.recipient())
                .bind("street", address.street())
                .bind("city", address.city())
                .bind("postalCode", address.postalCode())
                .bind("country", address.country())
                .bind("instructions", nullable(address.instructions()))
                .bind("cancelReason", nullable(order.cancelReason()))
                .bind("version", order.version())
                .bind("updatedAt", utc(order.updatedAt()));
    }

    /** One joined row, read while the driver's row is valid: the order's columns repeat on every line. */
    private record Row(Order order, Line line) {
    }

    private static Row readRow(Readable r) {
        Address address = new Address(r.get("recipient", String.class), r.get("street", String.class),
                r.get("city", String.class), r.get("postal_code", String.class), r.get("country", String.class),
                r.get("instructions", String.class));
        Line line = new Line(r.get("sku", String.class), r.get("quantity", Integer.class));
        Order order = new Order(UUID.fromString(r.get("id", String.class)), r.get("customer_id", String.class),
                List.of(), address, r.get("gift_message", String.class),
                Order.Status.valueOf(r.get("status", String.class)),
                r.get("cancel_reason", String.class), r.get("version", Long.class),
                instant(r.get("placed_at", LocalDateTime.class)), instant(r.get("updated_at", LocalDateTime.class)));
        return new Row(order, line);
    }

    private static Order toOrder(List<Row> rows) {
        Order o = rows.get(0).order();
        List<Line> lines = new ArrayList<>(rows.size());
        rows.forEach(row -> lines.add(row.line()));
        return new Order(o.id(), o.customerId(), lines, o.deliveryAddress(), o.giftMessage(), o.status(),
                o.cancelReason(), o.version(), o.placedAt(), o.updatedAt());
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(LocalDateTime utc) {
        return utc.toInstant(ZoneOffset.UTC);
    }

    static org.springframework.r2dbc.core.Parameter nullable(String value) {
        return org.springframework.r2dbc.core.Parameter.fromOrEmpty(value, String.class);
    }
}
