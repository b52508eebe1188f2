package io.citadel.store.jdbc;

import io.citadel.engine.resources.Resource;
import io.citadel.engine.store.ChangeListener;
import io.citadel.engine.store.Mutation;
import io.citadel.engine.store.ResourceStore;
import io.citadel.engine.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * {@link ResourceStore} over JDBC (embedded H2 or PostgreSQL). Reads use a small pool; writes run one
 * after another on a single {@link GroupCommitWriter}, which commits them in groups: a write's future
 * completes only after its commit, so a success response means the data is in the database file.
 */
public final class JdbcResourceStore implements ResourceStore {
    static final String BY_ID = "SELECT " + Rows.COLUMNS + " FROM resources WHERE ri = ?";
    static final String BY_PATH = "SELECT " + Rows.COLUMNS + " FROM resources WHERE path = ?";
    static final String LATEST =
            "SELECT " + Rows.COLUMNS + " FROM resources WHERE pi = ? AND ty = ? ORDER BY seq DESC LIMIT 1";
    static final String OLDEST =
            "SELECT " + Rows.COLUMNS + " FROM resources WHERE pi = ? AND ty = ? ORDER BY seq ASC LIMIT ?";

    private final InstanceLock lock;
    private final StoreSettings settings;
    private final Dialect dialect;
    private final ConnectionPool reads;
    private final GroupCommitWriter writer;
    private final Rows rows;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Takes the database for this instance ({@link InstanceLock}), brings the schema up to date under that
     * lock, and opens the connections.
     *
     * @throws StoreException when the database is unreachable or held by another Citadel instance (named)
     */
    public JdbcResourceStore(StoreSettings settings) {
        Dialect dialect = Dialect.ofUrl(settings.jdbcUrl());
        this.settings = settings;
        this.dialect = dialect;
        this.lock = InstanceLock.acquire(settings, dialect);
        ConnectionPool pool = null;
        try {
            Migrations.run(settings, dialect);
            this.rows = new Rows(settings.subjectKeys() == null ? null : subjectCipher(settings));
            pool = new ConnectionPool(settings, settings.readConnections());
            this.reads = pool;
            this.writer = new GroupCommitWriter(settings, dialect, rows);
            purgeErased(); // AEs of subjects erased since a restored backup was taken
        } catch (RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            lock.close();
            throw e;
        }
    }

    /**
     * The subjects' content keys, and the {@code <AE>}s whose subtrees they cover, as the database has them. Refuses a
     * key file that lacks the keys of a registered AE (another instance's database, or a key file left behind): the
     * store would otherwise start and fail on every one of that AE's rows.
     */
    private static SubjectCipher subjectCipher(StoreSettings settings) {
        SubjectKeyRing ring = new SubjectKeyRing(settings.subjectKeys());
        SubjectCipher cipher = new SubjectCipher(ring);
        try (java.sql.Connection c = ConnectionPool.open(settings, true);
                java.sql.Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id FROM subject_key_file")) {
            String bound = rs.next() ? rs.getString(1) : null;
            if (bound == null) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO subject_key_file (id) VALUES (?)")) {
                    ps.setString(1, ring.fileId());
                    ps.executeUpdate();
                }
            } else if (!bound.equals(ring.fileId())) {
                throw new StoreException(
                        "the database's data is encrypted with another subject key file than " + settings.subjectKeys()
                                + " (give --subject-keys the key file of the instance that wrote it)",
                        null);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read which subject key file the database uses: " + e.getMessage(), e);
        }
        try (java.sql.Connection c = ConnectionPool.open(settings, true);
                PreparedStatement ps = c.prepareStatement("SELECT path, ri, body FROM resources WHERE ty = ?")) {
            ps.setInt(1, io.citadel.protocol.ResourceType.AE.code());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        cipher.open(rs.getString(2), rs.getString(3));
                    } catch (SubjectCipher.ErasedRow erased) {
                        cipher.sawErased(rs.getString(2), rs.getString(1)); // erased since: deleted once the store runs
                    } catch (SubjectCipher.UnknownKey unknownKey) {
                        throw new StoreException(
                                "the database holds data encrypted under subject keys that " + settings.subjectKeys()
                                        + " does not have (give --subject-keys the key file of the instance that"
                                        + " wrote it)",
                                null);
                    } catch (SQLException damaged) {
                        throw new StoreException(
                                "the registered AE " + rs.getString(2) + " cannot be read: " + damaged.getMessage(),
                                damaged);
                    }
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the registered AEs: " + e.getMessage(), e);
        }
        return cipher;
    }

    /**
     * Makes a data subject's rows unreadable at rest: destroys the content key of the {@code <AE>} with resource ID
     * {@code aeResourceId} (when not null) and that of {@code creator}, then asks the database to reclaim the space
     * of deleted rows. Returns how many keys went (0 when the store keeps bodies in clear).
     */
    @Override
    public int eraseSubjectKeys(String aeResourceId, String creator) {
        SubjectCipher cipher = rows.cipher();
        int destroyed = cipher == null ? 0 : cipher.destroy(aeResourceId, creator);
        String reclaim = dialect == Dialect.POSTGRESQL ? "VACUUM resources" : "CHECKPOINT SYNC";
        try (java.sql.Connection c = ConnectionPool.open(settings, true);
                java.sql.Statement st = c.createStatement()) {
            st.execute(reclaim);
            if (dialect == Dialect.POSTGRESQL) {
                st.execute("VACUUM subject_access");
            }
        } catch (SQLException | StoreException e) {
            java.util.logging.Logger.getLogger("citadel.privacy")
                    .warning("reclaiming deleted rows failed (the keys are gone all the same): " + e.getMessage());
        }
        return destroyed;
    }

    /** How often {@link #watchInstanceLock} checks by default (5 s). */
    public static final Duration DEFAULT_LOCK_CHECK_INTERVAL = InstanceLock.DEFAULT_CHECK_INTERVAL;

    /**
     * Checks every {@code interval} that this instance still holds the database (see {@link InstanceLock}):
     * when the lock is gone or its connection is dead, one SEVERE line is logged and {@code onLost} is called
     * once, on the checker's daemon thread, with that line's text. The caller stops serving there: another
     * instance could now take the database. Closing the store ends the checks without a report.
     */
    public void watchInstanceLock(Duration interval, Consumer<String> onLost) {
        lock.watch(interval, onLost);
    }

    @Override
    public Optional<Resource> findById(String ri) {
        return readAndPurge(c -> rows.one(c.prepare(BY_ID), ri));
    }

    @Override
    public Optional<Resource> findByPath(String path) {
        return readAndPurge(c -> rows.one(c.prepare(BY_PATH), path));
    }

    @Override
    public Optional<Resource> edgeChild(String parentId, int type, boolean latest) {
        return readAndPurge(c -> edge(rows, c, parentId, type, latest));
    }

    /** The newest or oldest child of a type, on the given connection (shared by readers and the writer). */
    static Optional<Resource> edge(
            Rows rows, ConnectionPool.PooledConnection c, String parentId, int type, boolean latest)
            throws SQLException {
        PreparedStatement ps = c.prepare(latest ? LATEST : OLDEST);
        ps.setString(1, parentId);
        ps.setInt(2, type);
        if (!latest) {
            ps.setInt(3, 1);
        }
        return rows.first(ps);
    }

    @Override
    public List<Resource> children(String parentId, List<Integer> types, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + Rows.COLUMNS + " FROM resources WHERE pi = ?");
        if (!types.isEmpty()) {
            sql.append(" AND ty IN (");
            for (int i = 0; i < types.size(); i++) {
                sql.append(i == 0 ? "?" : ",?");
            }
            sql.append(')');
        }
        sql.append(" ORDER BY seq LIMIT ?");
        return readAndPurge(c -> {
            PreparedStatement ps = c.prepare(sql.toString());
            int i = 1;
            ps.setString(i++, parentId);
            for (Integer t : types) {
                ps.setInt(i++, t);
            }
            ps.setInt(i, limit);
            return rows.all(ps);
        });
    }

    @Override
    public List<Resource> descendants(Resource root, int maxDepth, int limit) {
        int rootDepth = depth(root.path());
        return readAndPurge(c -> {
            PreparedStatement ps = c.prepare(
                    "SELECT " + Rows.COLUMNS + " FROM resources WHERE path > ? AND path < ? ORDER BY path LIMIT ?");
            ps.setString(1, root.path() + "/");
            ps.setString(2, root.path() + "0"); // '0' is the character after '/'
            ps.setInt(3, maxDepth == 0 ? limit : Math.max(limit, limit * 4));
            List<Resource> out = new ArrayList<>();
            for (Resource r : rows.all(ps)) {
                if (maxDepth == 0 || depth(r.path()) - rootDepth <= maxDepth) {
                    out.add(r);
                    if (out.size() >= limit) {
                        break;
                    }
                }
            }
            return out;
        });
    }

    private static int depth(String path) {
        int n = 0;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                n++;
            }
        }
        return n;
    }

    @Override
    public List<Resource> ofType(int type, int limit) {
        return readAndPurge(c -> {
            PreparedStatement ps =
                    c.prepare("SELECT " + Rows.COLUMNS + " FROM resources WHERE ty = ? ORDER BY seq LIMIT ?");
            ps.setInt(1, type);
            ps.setInt(2, limit);
            return rows.all(ps);
        });
    }

    @Override
    public List<Resource> createdBy(String creator, long afterSeq, int limit) {
        return readAndPurge(c -> {
            PreparedStatement ps = c.prepare(
                    "SELECT " + Rows.COLUMNS + " FROM resources WHERE creator = ? AND seq > ? ORDER BY seq LIMIT ?");
            ps.setString(1, creator);
            ps.setLong(2, afterSeq);
            ps.setInt(3, limit);
            return rows.all(ps);
        });
    }

    @Override
    public List<Resource> subtree(String rootPath, String afterPath, int limit) {
        return readAndPurge(c -> {
            // a range of the path index, in its order: the root, then paths between "<root>/" and "<root>0"
            PreparedStatement ps = c.prepare("SELECT " + Rows.COLUMNS + " FROM resources"
                    + " WHERE (path = ? OR (path > ? AND path < ?)) AND path > ? ORDER BY path LIMIT ?");
            ps.setString(1, rootPath);
            ps.setString(2, rootPath + "/");
            ps.setString(3, rootPath + "0");
            ps.setString(4, afterPath == null ? "" : afterPath);
            ps.setInt(5, limit);
            return rows.all(ps);
        });
    }

    @Override
    public List<String> expired(Instant now, int limit) {
        return reads.with(c -> {
            PreparedStatement ps =
                    c.prepare("SELECT ri FROM resources WHERE et IS NOT NULL AND et <= ? ORDER BY et LIMIT ?");
            ps.setLong(1, now.toEpochMilli());
            ps.setInt(2, limit);
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        });
    }

    /** Runs a read on a pooled connection (for the access log, which shares the store's connections). */
    <T> T read(ConnectionPool.Work<T> work) {
        return reads.with(work);
    }

    /**
     * Runs a read, then has the writer delete the rows of erased data subjects it met (a restored backup holds them:
     * they read as absent, and go at first sight).
     */
    private <T> T readAndPurge(ConnectionPool.Work<T> work) {
        T result = reads.with(work);
        purgeErased();
        return result;
    }

    private void purgeErased() {
        SubjectCipher cipher = rows.cipher();
        Map<String, String> erased = cipher == null ? Map.of() : cipher.takeErased();
        if (!erased.isEmpty()) {
            writer.submit(tx -> ((WriterTransaction) tx).purge(erased)).whenComplete((n, failure) -> {
                if (failure == null) {
                    java.util.logging.Logger.getLogger("citadel.privacy")
                            .warning(n + " rows of erased data subjects found in the database (a restored backup?)"
                                    + " were deleted");
                }
            });
        }
    }

    @Override
    public <T> CompletableFuture<T> write(Mutation<T> mutation) {
        return writer.submit(mutation);
    }

    @Override
    public void setChangeListener(ChangeListener listener) {
        writer.setListener(listener);
    }

    @Override
    public void wipe() {
        writer.submit(tx -> {
                    ((WriterTransaction) tx).deleteAll();
                    return null;
                })
                .join();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        writer.close();
        reads.close();
        lock.close();
    }

    /** Wraps SQL failures of the writer. */
    static StoreException failure(String what, SQLException e) {
        return new StoreException(what + ": " + e.getMessage(), e);
    }
}
