package io.citadel.engine.privacy;

import java.time.Instant;

/**
 * One access to a data subject's resources by someone else, as the subject's access log keeps it.
 *
 * @param id the log's own, increasing number (0 until the log assigns one)
 * @param subject the data subject: the normalised AE-ID whose resource it was
 * @param accessor the normalised originator that asked ({@code admin} for the administrator)
 * @param target the resource's ID
 * @param operation CREATE, RETRIEVE, UPDATE, DELETE, NOTIFY or DISCOVERY
 * @param permitted whether access control permitted it
 * @param assurance the accessor's level of assurance (1 to 4), or null when it was not known
 * @param time when it was decided
 */
public record SubjectAccess(
        long id,
        String subject,
        String accessor,
        String target,
        String operation,
        boolean permitted,
        Integer assurance,
        Instant time) {

    /** This entry with the number the log gave it. */
    public SubjectAccess numbered(long number) {
        return new SubjectAccess(number, subject, accessor, target, operation, permitted, assurance, time);
    }
}
