package io.citadel.client.coap;

import java.util.List;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;

/**
 * The suites TS-0003 §10.2.1 asks for on DTLS: the PSK ones (CCM_8 and CBC_SHA256, which Scandium's
 * recommended-only filter would drop, so that filter is off on purpose) and ECDHE-PSK; with a certificate,
 * ECDHE-ECDSA with AES-128-CCM_8 (TS-0003's certificate suite for DTLS), GCM and CBC-SHA256. No NULL or export
 * suite is ever listed. Servers offer them; certificate clients propose the certificate ones.
 */
public final class DtlsCipherSuites {
    public static final List<CipherSuite> PSK = List.of(
            CipherSuite.TLS_PSK_WITH_AES_128_CCM_8,
            CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256,
            CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256,
            CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256);
    public static final List<CipherSuite> CERTIFICATE = List.of(
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256);

    private DtlsCipherSuites() {}
}
