package io.citadel.client.coap;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Predicate;
import javax.net.ssl.X509TrustManager;

/**
 * One side's certificate for DTLS: its private key and chain, the trust manager the peer's certificate must
 * satisfy, and the test of a peer's raw public key (DER SubjectPublicKeyInfo; null to refuse RFC 7250 keys).
 * With raw keys, a server presents its certificate's public key alone to clients that ask for a raw key.
 */
public record DtlsCertificates(
        PrivateKey key, List<X509Certificate> chain, X509TrustManager clientTrust, Predicate<byte[]> trustedRawKey) {}
