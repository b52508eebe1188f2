package io.citadel.tls;

import io.citadel.client.tls.KeyExchangeGroups;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Vector;
import java.util.function.Consumer;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CertificateType;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.SignatureScheme;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The server side of certificate TLS with a required client certificate (TS-0003's certificate-based SAEF and RSPF
 * handshakes) on Bouncy Castle, for what the JDK's TLS cannot do on Java 17: export keying material (RFC 5705, RFC 8446
 * §7.5). TLS 1.3 (hybrid X25519MLKEM768 preferred) and TLS 1.2 with ECDHE-ECDSA AEAD suites and the oneM2M-mandatory
 * ECDHE-ECDSA-AES128-CBC-SHA256, as the JDK-based certificate listener offers; the server proves itself with its P-256
 * key and chain. The client's chain is validated against the listener's trust anchors ({@link ConstrainedTrustManager}:
 * RFC 5280 path validation, the anchors' name constraints, the clientAuth extended key usage when present) and must
 * allow digital signatures; no certificate, or one that does not validate, ends the handshake with an alert.
 */
final class CertificateTlsServer extends DefaultTlsServer implements KeyingMaterial {
    static final int[] SUITES = {
        CipherSuite.TLS_AES_128_GCM_SHA256,
        CipherSuite.TLS_AES_256_GCM_SHA384,
        CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
    };

    /** What a client may sign its CertificateVerify with (TLS 1.3 and 1.2). */
    private static final int[] CLIENT_SIGNATURES = {
        SignatureScheme.ecdsa_secp256r1_sha256,
        SignatureScheme.ecdsa_secp384r1_sha384,
        SignatureScheme.ecdsa_secp521r1_sha512,
        SignatureScheme.ed25519,
        SignatureScheme.rsa_pss_rsae_sha256,
        SignatureScheme.rsa_pss_rsae_sha384,
        SignatureScheme.rsa_pss_rsae_sha512,
        SignatureScheme.rsa_pss_pss_sha256,
        SignatureScheme.rsa_pss_pss_sha384,
        SignatureScheme.rsa_pss_pss_sha512,
    };

    /**
     * Signatures allowed besides in certificates (and, in TLS 1.2, in CertificateVerify): a manufacturer's RSA CA
     * signs with PKCS #1 v1.5.
     */
    private static final int[] PKCS1_SIGNATURES = {
        SignatureScheme.rsa_pkcs1_sha256, SignatureScheme.rsa_pkcs1_sha384, SignatureScheme.rsa_pkcs1_sha512,
    };

    private static final String DIGITAL_SIGNATURE_MISSING = "the client certificate may not sign (keyUsage)";

    private final List<byte[]> serverChain;
    private final AsymmetricKeyParameter serverKey;
    private final ConstrainedTrustManager clientTrust;
    private final Consumer<List<X509Certificate>> onHandshakeComplete;
    private final HandshakeExports exports;
    private List<X509Certificate> clientChain;
    /** Why the client's certificate was refused (ours, for the log line), or null. */
    private String refusal;

    /**
     * @param serverChain the server's certificate then its CA chain (DER)
     * @param serverKey the server certificate's P-256 private key
     * @param exports keying material to export when the handshake completes (label → length)
     * @param onHandshakeComplete given the client's validated chain (leaf first)
     */
    CertificateTlsServer(
            BcTlsCrypto crypto,
            List<byte[]> serverChain,
            AsymmetricKeyParameter serverKey,
            ConstrainedTrustManager clientTrust,
            Map<String, Integer> exports,
            Consumer<List<X509Certificate>> onHandshakeComplete) {
        super(crypto);
        this.serverChain = serverChain;
        this.serverKey = serverKey;
        this.clientTrust = clientTrust;
        this.exports = new HandshakeExports(exports);
        this.onHandshakeComplete = onHandshakeComplete;
    }

    /** Why the client's certificate was refused (a short text of ours), or null when it was not. */
    String refusal() {
        return refusal;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12);
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), SUITES);
    }

    @Override
    public int[] getSupportedGroups() {
        return KeyExchangeGroups.serverPreference();
    }

    @Override
    public boolean preferLocalSupportedGroups() {
        return true;
    }

    @Override
    public TlsCredentials getCredentials() throws IOException {
        BcTlsCrypto crypto = (BcTlsCrypto) getCrypto();
        TlsCertificate[] chain = new TlsCertificate[serverChain.size()];
        for (int i = 0; i < chain.length; i++) {
            chain[i] = crypto.createCertificate(serverChain.get(i));
        }
        Certificate certificate;
        if (TlsUtils.isTLSv13(context)) {
            CertificateEntry[] entries = new CertificateEntry[chain.length];
            for (int i = 0; i < chain.length; i++) {
                entries[i] = new CertificateEntry(chain[i], null);
            }
            certificate = new Certificate(TlsUtils.EMPTY_BYTES, entries);
        } else {
            certificate = new Certificate(chain);
        }
        return new BcDefaultTlsCredentialedSigner(
                new TlsCryptoParameters(context),
                crypto,
                serverKey,
                certificate,
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    /**
     * A client certificate is required. No certificate authorities are named (a client with one certificate sends
     * it; the list of trusted manufacturers is nobody's business).
     */
    @Override
    public CertificateRequest getCertificateRequest() throws IOException {
        Vector<SignatureAndHashAlgorithm> verify = supported(CLIENT_SIGNATURES);
        Vector<SignatureAndHashAlgorithm> withPkcs1 = supported(CLIENT_SIGNATURES);
        withPkcs1.addAll(supported(PKCS1_SIGNATURES));
        if (TlsUtils.isTLSv13(context)) {
            return new CertificateRequest(TlsUtils.EMPTY_BYTES, verify, withPkcs1, null);
        }
        return new CertificateRequest(
                new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign}, withPkcs1, null);
    }

    private Vector<SignatureAndHashAlgorithm> supported(int[] schemes) {
        Vector<SignatureAndHashAlgorithm> out = new Vector<>();
        for (int scheme : schemes) {
            TlsUtils.addIfSupported(out, getCrypto(), SignatureScheme.getSignatureAndHashAlgorithm(scheme));
        }
        return out;
    }

    /** The client's chain must validate against the trust anchors now; otherwise the handshake ends here. */
    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        if (clientCertificate == null || clientCertificate.isEmpty()) {
            refusal = "no client certificate";
            throw new TlsFatalAlert(
                    TlsUtils.isTLSv13(context)
                            ? AlertDescription.certificate_required
                            : AlertDescription.handshake_failure,
                    refusal);
        }
        if (clientCertificate.getCertificateType() != CertificateType.X509) {
            refusal = "not an X.509 client certificate";
            throw new TlsFatalAlert(AlertDescription.unsupported_certificate, refusal);
        }
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            for (int i = 0; i < clientCertificate.getLength(); i++) {
                chain.add((X509Certificate) x509.generateCertificate(new ByteArrayInputStream(
                        clientCertificate.getCertificateAt(i).getEncoded())));
            }
        } catch (GeneralSecurityException | ClassCastException e) {
            refusal = "a client certificate that cannot be read";
            throw new TlsFatalAlert(AlertDescription.bad_certificate, refusal);
        }
        boolean[] keyUsage = chain.get(0).getKeyUsage();
        if (keyUsage != null && !keyUsage[0]) {
            refusal = DIGITAL_SIGNATURE_MISSING;
            throw new TlsFatalAlert(AlertDescription.bad_certificate, refusal);
        }
        try {
            clientTrust.checkClientTrusted(chain.toArray(X509Certificate[]::new), "EC");
        } catch (java.security.cert.CertificateException e) {
            short alert = alertFor(e);
            refusal = switch (alert) {
                case AlertDescription.certificate_expired -> "client certificate expired or not yet valid";
                case AlertDescription.unknown_ca -> "client certificate under no trusted anchor";
                default -> "client certificate refused";
            };
            throw new TlsFatalAlert(alert, refusal);
        }
        clientChain = List.copyOf(chain);
    }

    /**
     * The alert that says why a chain did not validate: expired, no trusted anchor (or a CA of a trusted anchor's name
     * that did not sign it), or a bad certificate.
     */
    private static short alertFor(Throwable refused) {
        for (Throwable t = refused; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                return AlertDescription.certificate_expired;
            }
            if (t instanceof CertPathValidatorException v) {
                if (v.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                        || v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                    return AlertDescription.certificate_expired;
                }
                if (v.getReason() == java.security.cert.PKIXReason.NO_TRUST_ANCHOR
                        || v.getReason() == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
                    return AlertDescription.unknown_ca;
                }
            }
        }
        return AlertDescription.bad_certificate;
    }

    /**
     * The keying material exported for {@code label} at the end of the handshake (RFC 5705 without a context value;
     * TLS 1.3's exporter), handed out once.
     */
    @Override
    public byte[] export(String label, int length) {
        return exports.take(label, length);
    }

    /** Overwrites keying material nobody took (the connection ends). */
    void wipe() {
        exports.wipe();
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        exports.exportFrom(context);
        onHandshakeComplete.accept(clientChain);
    }
}
