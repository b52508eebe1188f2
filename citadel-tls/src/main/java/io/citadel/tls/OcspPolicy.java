package io.citadel.tls;

import java.net.URI;

/**
 * OCSP over HTTP (RFC 6960) for end-entity client certificates.
 *
 * @param responder the responder to ask (overrides the certificate's AIA)
 * @param required true: no good answer (unreachable, unknown) refuses the certificate (fail closed)
 * @param cacheMillis how long a good answer is reused
 */
public record OcspPolicy(URI responder, boolean required, long cacheMillis) {}
