package io.citadel.engine.privacy;

import java.util.List;

/**
 * Who accessed a data subject's resources (TS-0003 §11, TS 103 645 provision 8): kept by the CSE from its access
 * decisions, read by the subject itself and by the operator, erased with the subject. Appending never blocks a
 * request: a log that cannot keep up drops entries and says so in the server log (the {@code citadel.audit} log,
 * when on, still has every decision).
 */
public interface SubjectAccessLog extends AutoCloseable {

    /** Records {@code entry} (its {@code id} is assigned here); returns at once. */
    void append(SubjectAccess entry);

    /** The subject's entries with an {@code id} above {@code afterId}, oldest first, at most {@code limit}. */
    List<SubjectAccess> read(String subject, long afterId, int limit);

    /** The subject's most recent {@code limit} entries, oldest first. */
    List<SubjectAccess> latest(String subject, int limit);

    /** Removes every entry of the subject; returns how many went. */
    int erase(String subject);

    /** Removes every entry of every subject (Upper Tester reset), what is still queued included. */
    void clear();

    /** Waits until what was appended so far is kept (tests, export). */
    void flush();

    @Override
    default void close() {}
}
