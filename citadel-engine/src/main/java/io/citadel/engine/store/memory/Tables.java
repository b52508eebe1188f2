package io.citadel.engine.store.memory;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Rows with the indexes of the JDBC schema: by resource ID and by path (both unique), children by parent in
 * creation order (all types, and per type), rows by type in creation order, and rows that expire, oldest
 * first. Not thread-safe: the owner guards it. Paths compare as Java strings (UTF-16 code units), as H2 does.
 */
public final class Tables {
    private final Map<String, Row> byId = new HashMap<>();
    private final NavigableMap<String, Row> byPath = new TreeMap<>();
    private final Map<String, NavigableSet<Row>> byParent = new HashMap<>();
    private final Map<ParentAndType, NavigableSet<Row>> byParentAndType = new HashMap<>();
    private final Map<Integer, NavigableSet<Row>> byType = new HashMap<>();
    private final NavigableSet<Row> byExpiry = new TreeSet<>(Row.BY_EXPIRY);

    private record ParentAndType(String parentId, int type) {}

    /** The row with this resource ID, or null (also for a null ID, which matches nothing in SQL either). */
    Row byId(String ri) {
        return ri == null ? null : byId.get(ri);
    }

    /** The row at this path, or null. */
    Row byPath(String path) {
        return path == null ? null : byPath.get(path);
    }

    /** Direct children in creation order. */
    NavigableSet<Row> children(String parentId) {
        return Collections.unmodifiableNavigableSet(byParent.getOrDefault(parentId, Collections.emptyNavigableSet()));
    }

    /** Direct children of one type in creation order. */
    NavigableSet<Row> children(String parentId, int type) {
        return Collections.unmodifiableNavigableSet(
                byParentAndType.getOrDefault(new ParentAndType(parentId, type), Collections.emptyNavigableSet()));
    }

    /** Rows of one type in creation order. */
    NavigableSet<Row> ofType(int type) {
        return Collections.unmodifiableNavigableSet(byType.getOrDefault(type, Collections.emptyNavigableSet()));
    }

    /** Rows that have an expiration time, oldest first. */
    NavigableSet<Row> expiring() {
        return Collections.unmodifiableNavigableSet(byExpiry);
    }

    /**
     * Rows strictly between {@code path + "/"} and {@code path + "0"} in path order: the subtree below
     * {@code path} ('0' follows '/'), the range the JDBC store queries.
     */
    Collection<Row> below(String path) {
        return Collections.unmodifiableCollection(
                byPath.subMap(path + "/", false, path + "0", false).values());
    }

    Collection<Row> all() {
        return Collections.unmodifiableCollection(byId.values());
    }

    /** Adds a row; its resource ID and path must be free (the caller checks, as the unique indexes would). */
    void put(Row row) {
        if (byId.containsKey(row.ri()) || byPath.containsKey(row.path())) {
            throw new IllegalStateException("row " + row.ri() + " collides with a stored one");
        }
        byId.put(row.ri(), row);
        byPath.put(row.path(), row);
        byParent.computeIfAbsent(row.parentId(), k -> new TreeSet<>(Row.BY_SEQUENCE))
                .add(row);
        byParentAndType
                .computeIfAbsent(new ParentAndType(row.parentId(), row.type()), k -> new TreeSet<>(Row.BY_SEQUENCE))
                .add(row);
        byType.computeIfAbsent(row.type(), k -> new TreeSet<>(Row.BY_SEQUENCE)).add(row);
        if (row.expiry() != null) {
            byExpiry.add(row);
        }
    }

    /** Removes the row with this resource ID, if there is one. */
    void remove(String ri) {
        Row row = byId(ri);
        if (row == null) {
            return;
        }
        byId.remove(ri);
        byPath.remove(row.path());
        removeFrom(byParent, row.parentId(), row);
        removeFrom(byParentAndType, new ParentAndType(row.parentId(), row.type()), row);
        removeFrom(byType, row.type(), row);
        if (row.expiry() != null) {
            byExpiry.remove(row);
        }
    }

    private static <K> void removeFrom(Map<K, NavigableSet<Row>> index, K key, Row row) {
        NavigableSet<Row> rows = index.get(key);
        rows.remove(row);
        if (rows.isEmpty()) {
            index.remove(key);
        }
    }
}
