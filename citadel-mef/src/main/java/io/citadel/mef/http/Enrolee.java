package io.citadel.mef.http;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Who a MEF handshake (TLS or DTLS) proved: the enrolee and, on a certificate, the certificate it showed when the MEF
 * issued it (for re-enrolment; null for a bootstrap key or a manufacturer's device certificate), and the FQDNs it
 * proved as an enrolment target (a CSE whose certificate chains to the target anchors or is one the MEF issued to a
 * CSE).
 */
public record Enrolee(String id, X509Certificate certificate, List<String> targetNames) {
    public Enrolee {
        targetNames = List.copyOf(targetNames);
    }

    /** A device proved by its bootstrap key (KpmID). */
    public static Enrolee byBootstrapKey(String kpmId) {
        return new Enrolee(kpmId, null, List.of());
    }
}
