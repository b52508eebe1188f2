package io.citadel.engine.store.memory;

import io.citadel.engine.resources.Resource;
import io.citadel.engine.store.ChangeListener.Change;
import io.citadel.engine.store.StoreException;
import io.citadel.engine.store.StoreTransaction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;

/**
 * What one group commit sees while it runs: the committed rows with the group's own writes laid over them
 * (new rows staged, replaced or deleted committed rows hidden). Readers see none of it until
 * {@link #commitTo}. Each mutation starts at a mark ({@link #begin}); a failing one is undone back to its
 * mark alone ({@link #rollback}), as the JDBC store's savepoint does. Unique resource IDs and paths are
 * checked against this combined view, so the staged rows can always be applied. Used on the writer only.
 */
public final class StagedTransaction implements StoreTransaction {
    private final Tables committed;
    private final Tables staged = new Tables();
    /** Committed rows that the staged writes replace or delete, by resource ID. */
    private final Set<String> hidden = new HashSet<>();

    private final Deque<Undo> undo = new ArrayDeque<>();
    private final List<Change> changes = new ArrayList<>();
    private int mark;
    private long sequence;

    /** How to take back one staged write: the staged row it replaced, and whether the ID was hidden before. */
    private record Undo(String ri, Row previous, boolean wasHidden) {}

    StagedTransaction(Tables committed) {
        this.committed = committed;
    }

    /** Starts the next mutation at the given sequence value; its changes are recorded from here. */
    void begin(long seq) {
        mark = undo.size();
        changes.clear();
        sequence = seq;
    }

    /** Takes back everything the current mutation staged. */
    void rollback() {
        while (undo.size() > mark) {
            Undo u = undo.pop();
            staged.remove(u.ri());
            if (u.previous() != null) {
                staged.put(u.previous());
            }
            if (!u.wasHidden()) {
                hidden.remove(u.ri());
            }
        }
        changes.clear();
    }

    /** The changes of the current mutation, in the order it made them. */
    List<Change> changes() {
        return changes;
    }

    /** The sequence value after the current mutation's {@link #nextSequence} calls. */
    long sequence() {
        return sequence;
    }

    /** Applies every staged write to the committed rows; the caller holds their write lock. */
    void commitTo(Tables target) {
        hidden.forEach(target::remove);
        staged.all().forEach(target::put);
    }

    /** Deletes every row (the Upper Tester reset); records no change, as the JDBC store's wipe does. */
    void deleteAll() {
        List<String> all = new ArrayList<>();
        committed.all().stream().map(Row::ri).filter(ri -> !hidden.contains(ri)).forEach(all::add);
        staged.all().stream().map(Row::ri).forEach(all::add);
        all.forEach(ri -> stage(ri, null));
    }

    @Override
    public Optional<Resource> findById(String ri) {
        return Optional.ofNullable(row(ri)).map(Row::toResource);
    }

    @Override
    public Optional<Resource> findByPath(String path) {
        return Optional.ofNullable(rowAt(path)).map(Row::toResource);
    }

    @Override
    public Optional<Resource> edgeChild(String parentId, int type, boolean latest) {
        return firstChildren(parentId, type, 1, latest).stream().findFirst().map(Row::toResource);
    }

    @Override
    public List<Resource> oldestChildren(String parentId, int type, int limit) {
        InMemoryResourceStore.requireLimit("read oldest children", limit);
        return firstChildren(parentId, type, limit, false).stream()
                .map(Row::toResource)
                .toList();
    }

    @Override
    public long nextSequence() {
        return ++sequence;
    }

    @Override
    public void insert(Resource resource) {
        Row row = Row.of(resource, "insert");
        if (row(row.ri()) != null) {
            throw new StoreException("insert: the resource ID " + row.ri() + " is taken", null);
        }
        if (rowAt(row.path()) != null) {
            throw new StoreException("insert: the path " + row.path() + " is taken", null);
        }
        stage(row.ri(), row);
        changes.add(new Change(resource, false));
    }

    @Override
    public void update(Resource resource) {
        Row row = Row.of(resource, "update");
        if (row(row.ri()) == null) {
            throw new StoreException("update: resource " + row.ri() + " vanished during update", null);
        }
        Row atPath = rowAt(row.path());
        if (atPath != null && !atPath.ri().equals(row.ri())) {
            throw new StoreException("update: the path " + row.path() + " is taken", null);
        }
        stage(row.ri(), row);
        changes.add(new Change(resource, false));
    }

    /** As {@code DELETE ... WHERE ri = ? OR path is below the resource's path}; records the deletion even of none. */
    @Override
    public int deleteSubtree(Resource resource) {
        Set<String> gone = new LinkedHashSet<>();
        Row self = row(resource.ri());
        if (self != null) {
            gone.add(self.ri());
        }
        visible(committed.below(resource.path())).forEachRemaining(r -> gone.add(r.ri()));
        staged.below(resource.path()).forEach(r -> gone.add(r.ri()));
        gone.forEach(ri -> stage(ri, null));
        changes.add(new Change(resource, true));
        return gone.size();
    }

    /** The row with this ID as this transaction sees it, or null. */
    private Row row(String ri) {
        Row row = staged.byId(ri);
        if (row != null || hidden.contains(ri)) {
            return row;
        }
        return committed.byId(ri);
    }

    /** The row at this path as this transaction sees it, or null. */
    private Row rowAt(String path) {
        Row row = staged.byPath(path);
        if (row != null) {
            return row;
        }
        row = committed.byPath(path);
        return row == null || hidden.contains(row.ri()) ? null : row;
    }

    private Iterator<Row> visible(Collection<Row> committedRows) {
        return committedRows.stream().filter(r -> !hidden.contains(r.ri())).iterator();
    }

    /** Up to {@code limit} children of a type, oldest (or newest) first, staged and committed merged. */
    private List<Row> firstChildren(String parentId, int type, int limit, boolean newest) {
        NavigableSet<Row> fromCommitted = committed.children(parentId, type);
        NavigableSet<Row> fromStaged = staged.children(parentId, type);
        if (newest) {
            fromCommitted = fromCommitted.descendingSet();
            fromStaged = fromStaged.descendingSet();
        }
        Comparator<Row> order = newest ? Row.BY_SEQUENCE.reversed() : Row.BY_SEQUENCE;
        Iterator<Row> a = visible(fromCommitted);
        Iterator<Row> b = fromStaged.iterator();
        List<Row> out = new ArrayList<>();
        Row nextA = a.hasNext() ? a.next() : null;
        Row nextB = b.hasNext() ? b.next() : null;
        while (out.size() < limit && (nextA != null || nextB != null)) {
            if (nextB == null || (nextA != null && order.compare(nextA, nextB) <= 0)) {
                out.add(nextA);
                nextA = a.hasNext() ? a.next() : null;
            } else {
                out.add(nextB);
                nextB = b.hasNext() ? b.next() : null;
            }
        }
        return out;
    }

    /** Stages a row (null: a deletion) for a resource ID, remembering how to take it back. */
    private void stage(String ri, Row row) {
        Row previous = staged.byId(ri);
        boolean wasHidden = !hidden.add(ri);
        undo.push(new Undo(ri, previous, wasHidden));
        staged.remove(ri);
        if (row != null) {
            staged.put(row);
        }
    }
}
