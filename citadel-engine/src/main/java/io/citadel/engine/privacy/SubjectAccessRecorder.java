package io.citadel.engine.privacy;

import io.citadel.engine.authorization.AuditEntry;
import io.citadel.engine.authorization.AuditLog;
import io.citadel.engine.resources.Resource;
import io.citadel.security.Redaction;
import java.time.Clock;
import java.util.Collection;

/**
 * Turns access decisions on resources into entries of their data subjects' access logs: one per subject other than
 * the accessor (what an AE does with its own data is not news to it). The administrator is written as
 * {@value AuditLog#ADMINISTRATOR}: its originator is a secret, and the subject may read its log. The same access
 * (subject, accessor, target, operation, outcome, level) repeated within {@value #REPEAT_SECONDS} seconds is kept once:
 * a peer that repeats a request, denied or not, cannot grow a subject's log faster than that.
 */
public final class SubjectAccessRecorder {
    /** Records nothing. */
    public static final SubjectAccessRecorder OFF = new SubjectAccessRecorder(null, null, java.util.List.of(), null);

    private final DataSubjects subjects;
    private final SubjectAccessLog log;
    private final Redaction administrator;
    private final Clock clock;
    static final int REPEAT_SECONDS = 60;
    private final java.util.Map<String, java.time.Instant> recent = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<String, java.time.Instant>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, java.time.Instant> eldest) {
                    return size() > 10_000;
                }
            });

    public SubjectAccessRecorder(
            DataSubjects subjects, SubjectAccessLog log, Collection<String> administratorSpellings, Clock clock) {
        this.subjects = subjects;
        this.log = log;
        this.administrator = Redaction.of(AuditLog.ADMINISTRATOR, administratorSpellings);
        this.clock = clock;
    }

    /** Records {@code decision} about {@code target} for each of its subjects but the accessor. */
    public void record(AuditEntry decision, Resource target) {
        if (log == null
                || decision.originator() == null
                || decision.originator().isEmpty()) {
            return;
        }
        String accessor =
                administrator.isSecret(decision.originator()) ? AuditLog.ADMINISTRATOR : decision.originator();
        for (String subject : subjects.of(target)) {
            if (subject.equals(decision.originator())) {
                continue;
            }
            Integer level =
                    decision.assurance() == null ? null : decision.assurance().level();
            java.time.Instant now = clock.instant();
            String key = subject + "\u0000" + accessor + "\u0000" + target.ri() + "\u0000" + decision.operation()
                    + "\u0000" + decision.decision().permitted() + "\u0000" + level;
            java.time.Instant before = recent.put(key, now);
            if (before != null && before.plusSeconds(REPEAT_SECONDS).isAfter(now)) {
                recent.put(key, before); // a repeat: the first time of the window stands
                continue;
            }
            log.append(new SubjectAccess(
                    0,
                    subject,
                    accessor,
                    target.ri(),
                    decision.operation(),
                    decision.decision().permitted(),
                    level,
                    now));
        }
    }
}
