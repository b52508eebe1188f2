package io.citadel.tls;

import io.citadel.client.tls.KeyExchangeGroups;
import io.citadel.credentials.RawPublicKeyId;
import io.citadel.credentials.RawPublicKeyStore;
import java.io.IOException;
import java.time.Instant;
import java.util.Hashtable;
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
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsRawKeyCertificate;

/**
 * The server side of TLS with raw public keys (RFC 7250; TS-0003's certificate-based SAEF with raw keys): both
 * sides authenticate with a bare P-256 key instead of a certificate. The server proves the CSE's key; the
 * client must present a raw key that the credential store trusts by its RFC 6920 identifier, or the
 * handshake fails. TLS 1.3 (hybrid X25519MLKEM768 preferred) and TLS 1.2 with ECDHE-ECDSA AEAD suites and the
 * oneM2M-mandatory ECDHE-ECDSA-AES128-CBC-SHA256. A client that does not offer raw public keys for both
 * directions is refused: X.509 clients belong on the certificate listener.
 */
final class RawKeyTlsServer extends DefaultTlsServer {
    static final int[] SUITES = {
        CipherSuite.TLS_AES_128_GCM_SHA256,
        CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
    };
    private static final short[] RAW_ONLY = {CertificateType.RawPublicKey};

    private final byte[] serverKeyInfo;
    private final AsymmetricKeyParameter serverPrivateKey;
    private final RawPublicKeyStore trusted;
    private final Consumer<byte[]> onHandshakeComplete;
    private byte[] clientKeyInfo;

    RawKeyTlsServer(
            BcTlsCrypto crypto,
            byte[] serverKeyInfo,
            AsymmetricKeyParameter serverPrivateKey,
            RawPublicKeyStore trusted,
            Consumer<byte[]> onHandshakeComplete) {
        super(crypto);
        this.serverKeyInfo = serverKeyInfo;
        this.serverPrivateKey = serverPrivateKey;
        this.trusted = trusted;
        this.onHandshakeComplete = onHandshakeComplete;
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
    protected short[] getAllowedClientCertificateTypes() {
        return RAW_ONLY.clone();
    }

    /** Refuses a client that would expect an X.509 server certificate or send an X.509 client certificate. */
    @Override
    public Hashtable getServerExtensions() throws IOException {
        short[] serverTypes = TlsExtensionsUtils.getServerCertificateTypeExtensionClient(clientExtensions);
        short[] clientTypes = TlsExtensionsUtils.getClientCertificateTypeExtensionClient(clientExtensions);
        if (!contains(serverTypes, CertificateType.RawPublicKey)
                || !contains(clientTypes, CertificateType.RawPublicKey)) {
            throw new TlsFatalAlert(
                    AlertDescription.unsupported_certificate,
                    "this listener takes raw public keys (RFC 7250) only, in both directions");
        }
        return super.getServerExtensions();
    }

    private static boolean contains(short[] types, short type) {
        if (types == null) {
            return false;
        }
        for (short t : types) {
            if (t == type) {
                return true;
            }
        }
        return false;
    }

    @Override
    public TlsCredentials getCredentials() throws IOException {
        boolean tls13 = TlsUtils.isTLSv13(context);
        TlsCertificate raw = new BcTlsRawKeyCertificate((BcTlsCrypto) getCrypto(), serverKeyInfo);
        Certificate certificate = tls13
                ? new Certificate(CertificateType.RawPublicKey, TlsUtils.EMPTY_BYTES, new CertificateEntry[] {
                    new CertificateEntry(raw, null)
                })
                : new Certificate(CertificateType.RawPublicKey, new TlsCertificate[] {raw});
        return new BcDefaultTlsCredentialedSigner(
                new TlsCryptoParameters(context),
                (BcTlsCrypto) getCrypto(),
                serverPrivateKey,
                certificate,
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    @Override
    public CertificateRequest getCertificateRequest() throws IOException {
        Vector<Object> algorithms = new Vector<>();
        algorithms.add(new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
        if (TlsUtils.isTLSv13(context)) {
            return new CertificateRequest(TlsUtils.EMPTY_BYTES, algorithms, null, null);
        }
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign}, algorithms, null);
    }

    /** The client's key must be trusted (by its RFC 6920 identifier), unexpired and not revoked. */
    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        if (clientCertificate == null || clientCertificate.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.certificate_required, "a raw public key is required");
        }
        if (clientCertificate.getCertificateType() != CertificateType.RawPublicKey) {
            throw new TlsFatalAlert(AlertDescription.unsupported_certificate);
        }
        byte[] spki = clientCertificate.getCertificateAt(0).getEncoded();
        boolean known;
        try {
            known = trusted.lookup(spki, Instant.now()).isPresent();
        } catch (RuntimeException e) {
            known = false; // a store that cannot be read trusts nobody
        }
        if (!known) {
            throw new TlsFatalAlert(
                    AlertDescription.access_denied, "raw public key not trusted: " + RawPublicKeyId.of(spki));
        }
        clientKeyInfo = spki;
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        onHandshakeComplete.accept(clientKeyInfo);
    }
}
