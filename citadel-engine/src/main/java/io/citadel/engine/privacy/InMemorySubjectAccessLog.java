package io.citadel.engine.privacy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The access log of a CSE on the in-memory store: the newest {@code perSubject} entries of each subject, lost when
 * the process ends, like everything else on that store.
 */
public final class InMemorySubjectAccessLog implements SubjectAccessLog {
    private final Map<String, Deque<SubjectAccess>> bySubject = new HashMap<>();
    private final int perSubject;
    private long next = 1;

    public InMemorySubjectAccessLog() {
        this(10_000);
    }

    public InMemorySubjectAccessLog(int perSubject) {
        this.perSubject = perSubject;
    }

    @Override
    public synchronized void append(SubjectAccess entry) {
        Deque<SubjectAccess> log = bySubject.computeIfAbsent(entry.subject(), s -> new ArrayDeque<>());
        log.addLast(entry.numbered(next++));
        if (log.size() > perSubject) {
            log.removeFirst();
        }
    }

    @Override
    public synchronized List<SubjectAccess> read(String subject, long afterId, int limit) {
        List<SubjectAccess> out = new ArrayList<>();
        for (SubjectAccess a : bySubject.getOrDefault(subject, new ArrayDeque<>())) {
            if (a.id() > afterId && out.size() < limit) {
                out.add(a);
            }
        }
        return out;
    }

    @Override
    public synchronized List<SubjectAccess> latest(String subject, int limit) {
        List<SubjectAccess> all = new ArrayList<>(bySubject.getOrDefault(subject, new ArrayDeque<>()));
        return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
    }

    @Override
    public synchronized int erase(String subject) {
        Deque<SubjectAccess> gone = bySubject.remove(subject);
        return gone == null ? 0 : gone.size();
    }

    @Override
    public synchronized void clear() {
        bySubject.clear();
    }

    @Override
    public void flush() {}
}
