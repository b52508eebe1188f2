package io.citadel.engine.authorization;

import com.nimbusds.jose.jwk.JWKSet;
import io.citadel.engine.hierarchy.OutboundRequests;
import io.citadel.security.LocationSource;
import io.citadel.security.TrustedIssuer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The authorization collaborators a deployment chooses: trusted token issuers, this CSE's JWE decryption
 * keys, where originators are, revoked tokens, the outbound port for DAS consultations, and audit.
 *
 * @param dasTimeout longest wait for a DAS answer; the request is denied when it passes (fail closed)
 * @param maxGrantLifetime upper bound on the lifetime of privileges a DAS grants (dynamic ACP {@code et})
 */
public record SecurityOptions(
        List<TrustedIssuer> trustedIssuers,
        JWKSet decryptionKeys,
        LocationSource locations,
        RevocationList revocations,
        OutboundRequests outbound,
        Duration dasTimeout,
        Duration maxGrantLifetime,
        AuditLog audit) {

    public SecurityOptions {
        trustedIssuers = List.copyOf(trustedIssuers);
        Objects.requireNonNull(decryptionKeys);
        Objects.requireNonNull(locations);
        Objects.requireNonNull(revocations);
        Objects.requireNonNull(outbound);
        Objects.requireNonNull(audit);
        if (dasTimeout.isNegative()
                || dasTimeout.isZero()
                || maxGrantLifetime.isNegative()
                || maxGrantLifetime.isZero()) {
            throw new IllegalArgumentException("DAS timeout and grant lifetime must be positive");
        }
    }

    /** No trusted issuer, no location knowledge, no outbound calls: tokens and DAS consultation deny. */
    public static SecurityOptions none() {
        return new SecurityOptions(
                List.of(),
                new JWKSet(),
                LocationSource.UNKNOWN,
                RevocationList.inMemory(),
                OutboundRequests.NONE,
                Duration.ofSeconds(2),
                Duration.ofHours(24),
                AuditLog.OFF);
    }

    public SecurityOptions with(List<TrustedIssuer> issuers, JWKSet keys) {
        return new SecurityOptions(
                issuers, keys, locations, revocations, outbound, dasTimeout, maxGrantLifetime, audit);
    }

    public SecurityOptions withAudit(AuditLog replacement) {
        return new SecurityOptions(
                trustedIssuers,
                decryptionKeys,
                locations,
                revocations,
                outbound,
                dasTimeout,
                maxGrantLifetime,
                replacement);
    }
}
