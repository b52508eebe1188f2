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
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

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
 *
 * <p>A lock can also end while its holder runs on: a PostgreSQL session ends with a network failure, an
 * {@code idle_session_timeout}, a proxy or {@code pg_terminate_backend}, and the advisory lock with it; H2
 * closes a database (and releases its file) after a fatal I/O error or a {@code SHUTDOWN}. {@link #watch}
 * checks the lock periodically and reports the loss once, so that the holder stops serving before a second
 * instance can take the database.
 */
final class InstanceLock implements AutoCloseable {
    /** The advisory lock key: "Citadel" in ASCII. Advisory locks are per database, so other databases are unaffected. */
    static final long ADVISORY_KEY = 0x436974616465_6CL;
    /** H2's "Database may be already in use" error. */
    private static final int H2_DATABASE_ALREADY_OPEN = 90020;
    /** How often {@link #watch} checks the lock unless told otherwise. */
    static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(5);
    /** The lock connection's socket timeout floor: a check that gets no answer for that long fails. */
    private static final Duration MIN_CHECK_TIMEOUT = Duration.ofSeconds(15);
    /** Whether this session holds exactly our advisory lock (key split as PostgreSQL shows it: classid, objid). */
    private static final String ADVISORY_HELD = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
            + " AND pid = pg_backend_pid() AND granted AND classid = '" + (ADVISORY_KEY >>> 32) + "'::oid"
            + " AND objid = '" + (ADVISORY_KEY & 0xFFFF_FFFFL) + "'::oid AND objsubid = 1";

    private static final Logger LOG = Logger.getLogger("citadel.store");

    private final Connection connection;
    private final Path holderFile;
    private final Dialect dialect;
    private final String database;
    /** Serializes a check with {@link #close}, so that closing is never taken for a lost lock. */
    private final Object guard = new Object();

    private boolean closing;
    private boolean lost;
    private ScheduledExecutorService checker;

    private InstanceLock(Connection connection, Path holderFile, Dialect dialect, String database) {
        this.connection = connection;
        this.holderFile = holderFile;
        this.dialect = dialect;
        this.database = database;
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
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO citadel_instance (id, host, pid, started) VALUES (1, ?, ?, ?)")) {
                ps.setString(1, host());
                ps.setLong(2, ProcessHandle.current().pid());
                ps.setString(3, Instant.now().toString());
                ps.executeUpdate();
            }
            return new InstanceLock(c, null, Dialect.POSTGRESQL, ConnectionPool.safeUrl(settings.jdbcUrl()));
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
            return rs.next()
                    ? Optional.of(describe(rs.getString(1), rs.getLong(2), rs.getString(3)))
                    : Optional.empty();
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
                throw inUse(
                        settings,
                        holder == null ? "another process" : holderFile(holder).orElse("another process"));
            }
            throw e;
        }
        if (holder != null) {
            try {
                Path tmp = Files.createTempFile(
                        holder.getParent(),
                        ".instance",
                        ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(
                        tmp,
                        host() + "\n" + ProcessHandle.current().pid() + "\n" + Instant.now() + "\n",
                        StandardCharsets.UTF_8);
                Files.move(tmp, holder, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | UnsupportedOperationException e) {
                closeQuietly(c);
                throw new StoreException("cannot write " + holder + ": " + e.getMessage(), e);
            }
        }
        return new InstanceLock(c, holder, Dialect.H2, ConnectionPool.safeUrl(settings.jdbcUrl()));
    }

    private static Optional<String> holderFile(Path holder) {
        try {
            String[] lines = Files.readString(holder, StandardCharsets.UTF_8).split("\n");
            return lines.length < 3
                    ? Optional.empty()
                    : Optional.of(describe(lines[0], Long.parseLong(lines[1].trim()), lines[2]));
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
        if (Files.exists(file)
                || !file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
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
        return new StoreException(
                "the database " + ConnectionPool.safeUrl(settings.jdbcUrl()) + " is in use by another"
                        + " Citadel instance (" + holder
                        + "); stop it first: several instances on one database are not supported",
                null);
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

    /**
     * Checks every {@code interval} (on a daemon thread) that this instance still holds the database; when it
     * does not (the lock is gone, or its connection is dead or gets no answer), logs one SEVERE line naming
     * the database and the cause, stops checking and calls {@code onLost} once with that text. Closing the
     * lock (also from {@code onLost}) stops the checks and reports nothing.
     */
    void watch(Duration interval, Consumer<String> onLost) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the lock check interval must be positive");
        }
        synchronized (guard) {
            if (closing || checker != null) {
                throw new IllegalStateException(closing ? "the lock is closed" : "the lock is already watched");
            }
            if (dialect == Dialect.POSTGRESQL) {
                Duration timeout = interval.multipliedBy(3).compareTo(MIN_CHECK_TIMEOUT) > 0
                        ? interval.multipliedBy(3)
                        : MIN_CHECK_TIMEOUT;
                try { // a session that stops answering (network partition) must fail a check, not hang it
                    connection.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
                } catch (SQLException e) {
                    throw new StoreException(
                            "cannot set a timeout on the instance lock's connection: " + e.getMessage(), e);
                }
            }
            checker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "citadel-instance-lock-check");
                t.setDaemon(true);
                return t;
            });
            long millis = interval.toMillis();
            checker.scheduleWithFixedDelay(() -> checkOnce(onLost), millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    private void checkOnce(Consumer<String> onLost) {
        Optional<String> problem = check();
        if (problem.isEmpty()) {
            return;
        }
        synchronized (guard) {
            if (closing) {
                return;
            }
            lost = true;
            checker.shutdown(); // report once
        }
        String message = "instance lock lost: this instance no longer holds the database " + database + " ("
                + problem.get() + "); it stops serving, since another instance could now take the database";
        LOG.severe(message);
        try {
            onLost.accept(message);
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.SEVERE, "stopping after the instance lock was lost failed", e);
        }
    }

    /** Empty while this instance holds the database (or the lock is being closed); else what is wrong. */
    Optional<String> check() {
        synchronized (guard) {
            if (closing) {
                return Optional.empty();
            }
            try {
                if (dialect == Dialect.POSTGRESQL) {
                    try (Statement st = connection.createStatement();
                            ResultSet rs = st.executeQuery(ADVISORY_HELD)) {
                        return rs.next() && rs.getInt(1) == 1
                                ? Optional.empty()
                                : Optional.of("its session no longer holds the advisory lock");
                    }
                }
                return connection.isValid((int) MIN_CHECK_TIMEOUT.toSeconds())
                        ? Optional.empty()
                        : Optional.of("the database holding the file lock was closed");
            } catch (SQLException e) {
                return Optional.of("the lock's connection failed: " + e.getMessage());
            } catch (RuntimeException e) { // fail closed: an exception would also end the periodic task silently
                return Optional.of("the lock check failed: " + e);
            }
        }
    }

    private boolean lostBeforeClose() {
        synchronized (guard) {
            return lost;
        }
    }

    /** Releases the database: the holder row or file goes, and closing the session ends the advisory lock. */
    @Override
    public void close() {
        synchronized (guard) {
            if (closing) {
                return;
            }
            closing = true;
            if (checker != null) {
                checker.shutdown(); // no wait: close may run on the checker's own thread (from onLost)
            }
        }
        try {
            if (holderFile != null) {
                Files.deleteIfExists(holderFile);
            } else if (!lostBeforeClose()) { // a lost session would only fail (or time out) on the delete
                try (Statement st = connection.createStatement()) {
                    st.execute("DELETE FROM citadel_instance WHERE id = 1 AND pid = "
                            + ProcessHandle.current().pid());
                }
            }
        } catch (IOException | SQLException ignored) {
            // the lock goes with the connection anyway
        }
        closeQuietly(connection);
    }
}
