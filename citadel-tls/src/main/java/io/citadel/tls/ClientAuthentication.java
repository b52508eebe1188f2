package io.citadel.tls;

import java.io.File;

/**
 * How client certificates are checked: trust anchors (their name constraints enforced), optional CRLs and
 * OCSP, and whether a certificate is required at all.
 *
 * @param crls revocation lists, or null
 * @param ocsp OCSP policy, or null
 */
public record ClientAuthentication(File trustAnchors, RevocationList crls, OcspPolicy ocsp, boolean required) {}
