package io.citadel.security;

import io.citadel.credentials.LevelOfAssurance;
import java.time.Instant;
import java.util.Set;

/**
 * What is asked: who (normalised originator, whether the security association authenticated it, the
 * roles it validly holds), which operation bit (CREATE 1 ... DISCOVERY 32), on what, from where and when.
 *
 * @param createdType the type to be created (CREATE only, else null)
 * @param createdSpecialization {@code cnd}/{@code mgd} of the created resource, for {@code acod.spty}
 * @param targetType the type of the target resource (the parent, for CREATE)
 * @param targetIds the target's identifiers ({@code ri} and its SP-relative form), for token {@code ris}
 * @param peerAddress the transport peer address as the binding saw it (never a client-supplied header)
 * @param roles Role-IDs the originator holds by valid {@code <role>} resources (token roles are added
 *     by the decider)
 * @param attributes the attributes the request touches (created, updated or partially retrieved), or
 *     null when it concerns the whole resource; rules with {@code aca} permit only within their list
 * @param assurance how strongly the originator was authenticated, or null when that cannot be established (a
 *     request relayed by another CSE, a policy decision point's question): rules that require a level then fail
 */
public record AccessRequest(
        String originator,
        boolean authenticated,
        int operationBit,
        Integer createdType,
        String createdSpecialization,
        Integer targetType,
        Set<String> targetIds,
        String peerAddress,
        Instant time,
        Set<String> roles,
        Set<String> attributes,
        LevelOfAssurance assurance) {

    public AccessRequest {
        targetIds = targetIds == null ? Set.of() : Set.copyOf(targetIds);
        roles = roles == null ? Set.of() : Set.copyOf(roles);
        attributes = attributes == null ? null : Set.copyOf(attributes);
    }

    /** A request whose originator's level of assurance is not known. */
    public AccessRequest(
            String originator,
            boolean authenticated,
            int operationBit,
            Integer createdType,
            String createdSpecialization,
            Integer targetType,
            Set<String> targetIds,
            String peerAddress,
            Instant time,
            Set<String> roles,
            Set<String> attributes) {
        this(
                originator,
                authenticated,
                operationBit,
                createdType,
                createdSpecialization,
                targetType,
                targetIds,
                peerAddress,
                time,
                roles,
                attributes,
                null);
    }

    public AccessRequest(
            String originator,
            boolean authenticated,
            int operationBit,
            Integer createdType,
            String createdSpecialization,
            Integer targetType,
            Set<String> targetIds,
            String peerAddress,
            Instant time,
            Set<String> roles) {
        this(
                originator,
                authenticated,
                operationBit,
                createdType,
                createdSpecialization,
                targetType,
                targetIds,
                peerAddress,
                time,
                roles,
                (Set<String>) null);
    }

    /** A request without roles, specialization or target IDs (tests, benchmarks, registration). */
    public static AccessRequest of(
            String originator,
            boolean authenticated,
            int operationBit,
            Integer createdType,
            Integer targetType,
            String peerAddress,
            Instant time) {
        return new AccessRequest(
                originator,
                authenticated,
                operationBit,
                createdType,
                null,
                targetType,
                Set.of(),
                peerAddress,
                time,
                Set.of());
    }
}
