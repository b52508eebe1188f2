package io.citadel.store.jdbc;

import io.citadel.engine.resources.Resource;
import io.citadel.engine.store.ChangeListener.Change;
import io.citadel.engine.store.StoreTransaction;
import io.citadel.store.jdbc.ConnectionPool.PooledConnection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The writer connection seen by one mutation; records the changes for the cache after commit. */
final class WriterTransaction implements StoreTransaction {
    private final PooledConnection connection;
    private final Rows rows;
    private final List<Change> changes = new ArrayList<>();
    private long sequence;

    WriterTransaction(PooledConnection connection, long sequence, Rows rows) {
        this.rows = rows;
        this.connection = connection;
        this.sequence = sequence;
    }

    List<Change> changes() {
        return changes;
    }

    long sequence() {
        return sequence;
    }

    /** Starts recording for the next mutation. */
    void reset(long seq) {
        changes.clear();
        this.sequence = seq;
    }

    @Override
    public Optional<Resource> findById(String ri) {
        try {
            return rows.one(connection.prepare(JdbcResourceStore.BY_ID), ri);
        } catch (SQLException e) {
            throw JdbcResourceStore.failure("read by id", e);
        }
    }

    @Override
    public Optional<Resource> findByPath(String path) {
        try {
            return rows.one(connection.prepare(JdbcResourceStore.BY_PATH), path);
        } catch (SQLException e) {
            throw JdbcResourceStore.failure("read by path", e);
        }
    }

    @Override
    public Optional<Resource> edgeChild(String parentId, int type, boolean latest) {
        try {
            return JdbcResourceStore.edge(rows, connection, parentId, type, latest);
        } catch (SQLException e) {
            throw JdbcResourceStore.failure("read edge child", e);
        }
    }

    @Override
    public List<Resource> oldestChildren(String parentId, int type, int limit) {
        try {
            PreparedStatement ps = connection.prepare(JdbcResourceStore.OLDEST);
            ps.setString(1, parentId);
            ps.setInt(2, type);
            ps.setInt(3, limit);
            return rows.all(ps);
        } catch (SQLException e) {
            throw JdbcResourceStore.failure("read oldest children", e);
        }
    }

    @Override
    public long nextSequence() {
        return ++sequence;
    }

    @Override
    public void insert(Resource resource) {
        try {
            PreparedStatement ps =
                    connection.prepare("INSERT INTO resources (" + Rows.COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?)");
            rows.bindAll(ps, resource, this::aeAt);
            ps.executeUpdate();
            changes.add(new Change(resource, false));
        } catch (SQLException e) {
            throw JdbcResourceStore.failure("insert", e);
        }
    }

    @Override
    public void update(Resource resource) {
        try {
            PreparedStatement ps = connection.prepare("UPDATE resources SET ri = ?, pi = ?, rn = ?, ty = ?, path = ?,"
                    + " seq = ?, et = ?, creator = ?, body = ? WHERE ri = ?");
            rows.bindAll(ps, resource, this::aeAt);
            ps.setString(10, resource.ri());
            if (ps.executeUpdate() != 1) {
                throw new SQLException("resource " + resource.ri() + " vanished during update");
            }
            changes.add(new Change(resource, false));
        } catch (SQLException e) {
            throw JdbcResourceStore.failure("update", e);
        }
    }

    @Override
    public int deleteSubtree(Resource resource) {
        try {
            PreparedStatement ps = connection.prepare("DELETE FROM resources WHERE ri = ? OR (path > ? AND path < ?)");
            ps.setString(1, resource.ri());
            ps.setString(2, resource.path() + "/");
            ps.setString(3, resource.path() + "0");
            int n = ps.executeUpdate();
            changes.add(new Change(resource, true));
            return n;
        } catch (SQLException e) {
            throw JdbcResourceStore.failure("delete", e);
        }
    }

    /** Appends entries of data subjects' access logs (numbered already). */
    void insertAccesses(List<io.citadel.engine.privacy.SubjectAccess> entries) {
        try {
            PreparedStatement ps = connection.prepare("INSERT INTO subject_access"
                    + " (id, subject, accessor, target, op, permitted, loa, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
            for (io.citadel.engine.privacy.SubjectAccess a : entries) {
                ps.setLong(1, a.id());
                ps.setString(2, a.subject());
                ps.setString(3, a.accessor());
                ps.setString(4, a.target());
                ps.setString(5, a.operation());
                ps.setBoolean(6, a.permitted());
                if (a.assurance() == null) {
                    ps.setNull(7, java.sql.Types.INTEGER);
                } else {
                    ps.setInt(7, a.assurance());
                }
                ps.setLong(8, a.time().toEpochMilli());
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw JdbcResourceStore.failure("access log", e);
        }
    }

    /** The resource ID of the {@code <AE>} at {@code path} in this transaction's view, or null. */
    private String aeAt(String path) {
        try {
            PreparedStatement ps = connection.prepare("SELECT ri FROM resources WHERE path = ? AND ty = ?");
            ps.setString(1, path);
            ps.setInt(2, io.citadel.protocol.ResourceType.AE.code());
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw JdbcResourceStore.failure("read the AE of a path", e);
        }
    }

    /** How many expired access log entries one write removes at most. */
    static final int PRUNE_CHUNK = 5_000;

    /**
     * Deletes a subject's access log entries, and with {@code before} also (at most {@value #PRUNE_CHUNK} of) everyone's
     * older than it.
     */
    int deleteAccesses(String subject, java.time.Instant before) {
        try {
            int n = 0;
            if (subject != null) {
                PreparedStatement ps = connection.prepare("DELETE FROM subject_access WHERE subject = ?");
                ps.setString(1, subject);
                n += ps.executeUpdate();
            }
            if (before != null) { // at most PRUNE_CHUNK rows per write: the writer serves everyone
                PreparedStatement ps = connection.prepare("DELETE FROM subject_access WHERE id IN"
                        + " (SELECT id FROM subject_access WHERE at < ? ORDER BY at LIMIT " + PRUNE_CHUNK + ")");
                ps.setLong(1, before.toEpochMilli());
                n += ps.executeUpdate();
            }
            return n;
        } catch (SQLException e) {
            throw JdbcResourceStore.failure("access log", e);
        }
    }

    /** Deletes the rows (and subtrees) of erased subjects met while reading; returns how many rows went. */
    int purge(java.util.Map<String, String> erased) {
        int n = 0;
        try {
            PreparedStatement row = connection.prepare("DELETE FROM resources WHERE ri = ? AND path = ?");
            PreparedStatement below = connection.prepare("DELETE FROM resources WHERE path > ? AND path < ?");
            for (java.util.Map.Entry<String, String> e : erased.entrySet()) {
                row.setString(1, e.getKey());
                row.setString(2, e.getValue());
                int gone = row.executeUpdate();
                if (gone == 1) { // only then is what lies below it the erased row's (a new one may hold its path)
                    below.setString(1, e.getValue() + "/");
                    below.setString(2, e.getValue() + "0");
                    n += gone + below.executeUpdate();
                }
            }
            return n;
        } catch (SQLException e) {
            throw JdbcResourceStore.failure("purge", e);
        }
    }

    int deleteAllAccesses() {
        try {
            return connection.prepare("DELETE FROM subject_access").executeUpdate();
        } catch (SQLException e) {
            throw JdbcResourceStore.failure("access log", e);
        }
    }

    void deleteAll() {
        try {
            connection.prepare("DELETE FROM subject_access").executeUpdate();
            connection.prepare("DELETE FROM resources").executeUpdate();
        } catch (SQLException e) {
            throw JdbcResourceStore.failure("wipe", e);
        }
    }
}
