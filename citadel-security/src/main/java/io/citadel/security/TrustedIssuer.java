package io.citadel.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import java.util.Set;

/**
 * A token issuer this CSE trusts (TS-0003 §7.3.2.5 step 1: issuer-specific allowed classes and verification
 * credentials). Only the listed algorithms are accepted, and each only with a key of its own family, so
 * an RSA or EC public key can never be used as an HMAC secret.
 *
 * @param issuerId the issuer ({@code iss}/{@code tkis}), compared after normalisation
 * @param keys the issuer's public keys (or, for HMAC, shared secrets)
 * @param algorithms the JWS algorithms accepted from this issuer
 * @param allowUnsecured whether unsecured tokens ({@code alg:none}) from this issuer are accepted
 * @param audienceOptional whether tokens from this issuer may omit the audience ({@code aud}/{@code tkau}); off
 *     by default, since a token without an audience would be good at every CSE that trusts the issuer
 */
public record TrustedIssuer(
        String issuerId, JWKSet keys, Set<JWSAlgorithm> algorithms, boolean allowUnsecured, boolean audienceOptional) {

    /** An issuer whose tokens must name their audience. */
    public TrustedIssuer(String issuerId, JWKSet keys, Set<JWSAlgorithm> algorithms, boolean allowUnsecured) {
        this(issuerId, keys, algorithms, allowUnsecured, false);
    }

    public TrustedIssuer {
        algorithms = Set.copyOf(algorithms);
        if (algorithms.isEmpty() && !allowUnsecured) {
            throw new IllegalArgumentException("issuer " + issuerId + " allows no algorithm");
        }
    }
}
