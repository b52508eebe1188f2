package io.citadel.tls;

import java.io.File;

/**
 * How client certificates are checked: trust anchors (their name constraints enforced), optional CRLs and
 * OCSP, and whether a certificate is required at all.
 *
 * @param crls revocation lists, or null
 * @param ocsp OCSP policy, or null
 * @param hardwareKeys the authorities whose certificates may state level of assurance 4
 */
public record ClientAuthentication(
        File trustAnchors, RevocationList crls, OcspPolicy ocsp, boolean required, HardwareKeyIssuers hardwareKeys) {

    public ClientAuthentication {
        hardwareKeys = hardwareKeys == null ? HardwareKeyIssuers.NONE : hardwareKeys;
    }

    /** Client authentication in which no certificate reaches level 4. */
    public ClientAuthentication(File trustAnchors, RevocationList crls, OcspPolicy ocsp, boolean required) {
        this(trustAnchors, crls, ocsp, required, HardwareKeyIssuers.NONE);
    }
}
