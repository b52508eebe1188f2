package io.citadel.engine;

import java.util.List;
import java.util.Objects;

/**
 * What the engine needs to know about this CSE. Validated on construction.
 *
 * @param cseId SP-relative CSE-ID, e.g. {@code /id-in}
 * @param cseName resourceName of the CSEBase, e.g. {@code cse-in}
 * @param spId M2M-SP-ID, e.g. {@code //citadel.example}
 * @param cseType 1 IN, 2 MN, 3 ASN
 * @param administrator originator with full access (AE-ID-Stem or SP-relative ID)
 * @param registrationAllowed patterns ({@code *} never crosses {@code /}) of AE-ID-Stems allowed to register
 * @param pointOfAccess URIs where this CSE is reachable, for the CSEBase {@code poa}
 * @param maxResults upper bound of resources in one discovery or rcn=4/5/6/8 answer
 * @param insecureCsePeers normalised CSE-IDs allowed to send requests without a security association
 *     (lab setups only; empty by default, so every other CSE gets 4107 without TLS)
 */
public record CseSettings(
        String cseId,
        String cseName,
        String spId,
        int cseType,
        String administrator,
        List<String> registrationAllowed,
        List<String> pointOfAccess,
        int maxResults,
        List<String> insecureCsePeers) {

    public CseSettings(
            String cseId,
            String cseName,
            String spId,
            int cseType,
            String administrator,
            List<String> registrationAllowed,
            List<String> pointOfAccess,
            int maxResults) {
        this(cseId, cseName, spId, cseType, administrator, registrationAllowed, pointOfAccess, maxResults, List.of());
    }

    public CseSettings {
        Objects.requireNonNull(cseId, "cseId");
        if (!cseId.matches("/[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("CSE-ID must look like /id-in (letters, digits, '-', '.', '_')");
        }
        if (cseName == null || !cseName.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}") || cseName.equals("-")) {
            throw new IllegalArgumentException("CSE name must be a resource name like cse-in");
        }
        if (spId == null || !spId.matches("//[a-z0-9]([a-z0-9.-]{0,252})")) {
            throw new IllegalArgumentException("SP-ID must look like //citadel.example (lower-case FQDN)");
        }
        if (cseType < 1 || cseType > 3) {
            throw new IllegalArgumentException("CSE type must be IN, MN or ASN");
        }
        if (administrator == null || administrator.isBlank() || administrator.contains("*")) {
            throw new IllegalArgumentException("an administrator originator without wildcards is required");
        }
        registrationAllowed = List.copyOf(registrationAllowed);
        pointOfAccess = List.copyOf(pointOfAccess);
        insecureCsePeers = List.copyOf(insecureCsePeers);
        if (maxResults < 1) {
            throw new IllegalArgumentException("maxResults must be positive");
        }
    }

    /** The CSEBase resourceID: the CSE-ID without its leading slash. */
    public String cseBaseId() {
        return cseId.substring(1);
    }
}
