package io.citadel.store.jdbc;

import io.citadel.engine.store.StoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** A fixed set of read connections, each with its prepared statements kept for reuse. */
final class ConnectionPool implements AutoCloseable {
    private final BlockingQueue<PooledConnection> idle;
    private final StoreSettings settings;

    ConnectionPool(StoreSettings settings, int size) {
        this.settings = settings;
        this.idle = new ArrayBlockingQueue<>(size);
        for (int i = 0; i < size; i++) {
            idle.add(new PooledConnection(open(settings, true)));
        }
    }

    static Connection open(StoreSettings settings, boolean autoCommit) {
        Properties props = new Properties();
        props.setProperty("user", settings.user());
        props.setProperty("password", settings.password() == null ? "" : settings.password());
        try {
            Connection c = DriverManager.getConnection(settings.jdbcUrl(), props);
            c.setAutoCommit(autoCommit);
            return c;
        } catch (SQLException e) {
            throw new StoreException(
                    "cannot connect to the database (" + safeUrl(settings.jdbcUrl()) + "): " + e.getMessage(), e);
        }
    }

    /** The URL without its query part (which may hold a password) or H2 settings. */
    static String safeUrl(String url) {
        int q = url.indexOf('?');
        int settings = url.indexOf(';'); // H2's settings
        int end = q < 0 ? settings : settings < 0 ? q : Math.min(q, settings);
        return end < 0 ? url : url.substring(0, end);
    }

    interface Work<T> {
        T run(PooledConnection c) throws SQLException;
    }

    <T> T with(Work<T> work) {
        PooledConnection c;
        try {
            c = idle.poll(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted waiting for a connection", e);
        }
        if (c == null) {
            throw new StoreException("no database connection free for 30 s", null);
        }
        try {
            return work.run(c);
        } catch (SQLException e) {
            c = c.replace(settings);
            throw new StoreException("read failed: " + e.getMessage(), e);
        } finally {
            idle.add(c);
        }
    }

    @Override
    public void close() {
        idle.forEach(PooledConnection::close);
    }

    /** A connection and its cache of prepared statements. */
    static final class PooledConnection {
        private final Connection connection;
        private final Map<String, PreparedStatement> statements = new HashMap<>();

        PooledConnection(Connection connection) {
            this.connection = connection;
        }

        PreparedStatement prepare(String sql) throws SQLException {
            PreparedStatement ps = statements.get(sql);
            if (ps == null) {
                ps = connection.prepareStatement(sql);
                statements.put(sql, ps);
            }
            return ps;
        }

        Connection connection() {
            return connection;
        }

        PooledConnection replace(StoreSettings settings) {
            close();
            try {
                return new PooledConnection(open(settings, true));
            } catch (StoreException e) {
                return this; // the database is down; the next use fails again and retries
            }
        }

        void close() {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing a broken connection
            }
        }
    }
}
