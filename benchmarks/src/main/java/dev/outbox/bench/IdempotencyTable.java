package dev.outbox.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The size of order-api's idempotency table ({@code idempotency_key}, see its Flyway migrations), which keeps every
 * key for {@code orders.idempotency.retention} (24 h by default): its rows and its bytes (data and indexes) from
 * {@code information_schema.tables}. For InnoDB both are its statistics, an estimate InnoDB recalculates whenever a
 * tenth of the table has changed; counting the rows exactly would scan the table at every sample.
 */
final class IdempotencyTable {

    static final String TABLE = "idempotency_key";

    /** Rows and bytes; -1 each when unknown. */
    record Size(long rows, long bytes) {
        static final Size UNKNOWN = new Size(-1, -1);
    }

    private IdempotencyTable() {
    }

    /** The table's size in the database {@code options}' JDBC URL names; {@link Size#UNKNOWN} when unreadable. */
    static Size read(BenchmarkOptions options) {
        try (Connection db = DriverManager.getConnection(options.jdbcUrl(), options.dbUser(), options.dbPassword());
             PreparedStatement query = db.prepareStatement("""
                     SELECT table_rows, data_length + index_length FROM information_schema.tables
                     WHERE table_schema = DATABASE() AND table_name = ?""")) {
            query.setString(1, TABLE);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? new Size(row.getLong(1), row.getLong(2)) : Size.UNKNOWN;
            }
        } catch (SQLException e) {
            System.err.println("soak: the size of " + TABLE + " is unknown: " + e.getMessage());
            return Size.UNKNOWN;
        }
    }
}
