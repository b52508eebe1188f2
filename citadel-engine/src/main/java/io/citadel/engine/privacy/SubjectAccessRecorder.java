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
 * {@value AuditLog#ADMINISTRATOR}: its originator is a secret, and the subject may read its log.
 */
public final class SubjectAccessRecorder {
    /** Records nothing. */
    public static final SubjectAccessRecorder OFF = new SubjectAccessRecorder(null, null, java.util.List.of(), null);

    private final DataSubjects subjects;
    private final SubjectAccessLog log;
    private final Redaction administrator;
    private final Clock clock;

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
            if (!subject.equals(decision.originator())) {
                log.append(new SubjectAccess(
                        0,
                        subject,
                        accessor,
                        target.ri(),
                        decision.operation(),
                        decision.decision().permitted(),
                        decision.assurance() == null
                                ? null
                                : decision.assurance().level(),
                        clock.instant()));
            }
        }
    }
}
