package io.citadel.store.jdbc;

import io.citadel.engine.store.StoreException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;

/**
 * One Citadel instance per database: several instances on one database would serve diverging data (each
 * has its own sequence counter and caches), so until that is a supported mode a second instance refuses
 * to start, naming the one that holds the database.
 *
 * <p>PostgreSQL: a session-level advisory lock taken on a dedicated connection held for the life of the
 * store (the server releases it when the session ends, also when the process is killed), and a row of
 * {@code citadel_instance} naming the holder (host, pid, start time). H2: the database file itself is
 * locked by H2 while open; the holder is named in {@code <database>.instance} next to it. The schema
 * migrations run while the lock is held.
 */
final class InstanceLock implements AutoCloseable {
    /** The advisory lock key: "Citadel" in ASCII. Advisory locks are per database, so other databases are unaffected. */
    static final long ADVISORY_KEY = 0x436974616465_6CL;
    /** H2's "Database may be already in use" error. */
    private static final int H2_DATABASE_ALREADY_OPEN = 90020;

    private final Connection connection;
    private final Path holderFile;

    private InstanceLock(Connection connection, Path holderFile) {
        this.connection = connection;
        this.holderFile = holderFile;
    }

    /** @throws StoreException when another instance holds the database, naming it, or the database cannot be reached */
    static InstanceLock acquire(StoreSettings settings, Dialect dialect) {
        return dialect == Dialect.POSTGRESQL ? advisory(settings) : h2(settings);
    }

    private static InstanceLock advisory(StoreSettings settings) {
        Connection c = ConnectionPool.open(settings, true);
        try (Statement st = c.createStatement()) {
            boolean locked;
            try (ResultSet rs = st.executeQuery("SELECT pg_try_advisory_lock(" + ADVISORY_KEY + ")")) {
                locked = rs.next() && rs.getBoolean(1);
            }
            if (!locked) {
                String holder = holderRow(c).orElse("an instance that has not named itself yet");
                throw inUse(settings, holder);
            }
            st.execute("CREATE TABLE IF NOT EXISTS citadel_instance (id INTEGER NOT NULL PRIMARY KEY,"
                    + " host VARCHAR(255) NOT NULL, pid BIGINT NOT NULL, started VARCHAR(64) NOT NULL)");
            st.execute("DELETE FROM citadel_instance");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO citadel_instance (id, host, pid, started) VALUES (1, ?, ?, ?)")) {
                ps.setString(1, host());
                ps.setLong(2, ProcessHandle.current().pid());
                ps.setString(3, Instant.now().toString());
                ps.executeUpdate();
            }
            return new InstanceLock(c, null);
        } catch (SQLException e) {
            closeQuietly(c);
            throw new StoreException("cannot lock the database for this instance: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static Optional<String> holderRow(Connection c) {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT host, pid, started FROM citadel_instance WHERE id = 1")) {
            return rs.next() ? Optional.of(describe(rs.getString(1), rs.getLong(2), rs.getString(3))) : Optional.empty();
        } catch (SQLException e) {
            return Optional.empty(); // the holder has not created the table yet
        }
    }

    private static InstanceLock h2(StoreSettings settings) {
        Path database = h2File(settings.jdbcUrl());
        Path holder = database == null ? null : Path.of(database + ".instance");
        if (database != null) {
            createOwnerOnly(Path.of(database + ".mv.db"));
        }
        Connection c;
        try {
            c = ConnectionPool.open(settings, true);
        } catch (StoreException e) {
            if (e.getCause() instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
                throw inUse(settings, holder == null ? "another process" : holderFile(holder).orElse("another process"));
            }
            throw e;
        }
        if (holder != null) {
            try {
                Path tmp = Files.createTempFile(holder.getParent(), ".instance", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(tmp, host() + "\n" + ProcessHandle.current().pid() + "\n" + Instant.now() + "\n",
                        StandardCharsets.UTF_8);
                Files.move(tmp, holder, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | UnsupportedOperationException e) {
                closeQuietly(c);
                throw new StoreException("cannot write " + holder + ": " + e.getMessage(), e);
            }
        }
        return new InstanceLock(c, holder);
    }

    private static Optional<String> holderFile(Path holder) {
        try {
            String[] lines = Files.readString(holder, StandardCharsets.UTF_8).split("\n");
            return lines.length < 3 ? Optional.empty() : Optional.of(describe(lines[0], Long.parseLong(lines[1].trim()), lines[2]));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The file of an H2 {@code jdbc:h2:file:} URL without its {@code .mv.db} suffix; null for other H2 URLs. */
    static Path h2File(String url) {
        if (!url.startsWith("jdbc:h2:file:")) {
            return null;
        }
        String rest = url.substring("jdbc:h2:file:".length());
        int semicolon = rest.indexOf(';');
        return Path.of(semicolon < 0 ? rest : rest.substring(0, semicolon));
    }

    /** H2 creates its file with the process umask; an empty file created first keeps owner-only permissions. */
    private static void createOwnerOnly(Path file) {
        if (Files.exists(file) || !file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // created meanwhile
        } catch (IOException e) {
            throw new StoreException("cannot create the database file " + file + ": " + e.getMessage(), e);
        }
    }

    private static StoreException inUse(StoreSettings settings, String holder) {
        return new StoreException("the database " + ConnectionPool.safeUrl(settings.jdbcUrl()) + " is in use by another"
                + " Citadel instance (" + holder + "); stop it first: several instances on one database are not supported", null);
    }

    private static String describe(String host, long pid, String started) {
        return "host " + host + ", pid " + pid + ", started " + started.trim();
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown host";
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }

    /** Releases the database: the holder row or file goes, and closing the session ends the advisory lock. */
    @Override
    public void close() {
        try {
            if (holderFile != null) {
                Files.deleteIfExists(holderFile);
            } else {
                try (Statement st = connection.createStatement()) {
                    st.execute("DELETE FROM citadel_instance WHERE id = 1 AND pid = " + ProcessHandle.current().pid());
                }
            }
        } catch (IOException | SQLException ignored) {
            // the lock goes with the connection anyway
        }
        closeQuietly(connection);
    }
}
