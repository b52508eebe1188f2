package io.citadel.e2e.escertke;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Vector;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsProtocol;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * ESCertKE (TS-0003 §8.7, digest §10): a TLS 1.2 handshake with mutual certificate authentication between two
 * end-points that trust each other's certificates, carried as four messages in two NOTIFY exchanges (sit 6,
 * {@code eckm}) through CSEs that need not be trusted. Bouncy Castle runs the handshake over memory: each message is
 * the TLS records of one flight. The initiator is told the terminator's certificate; the terminator is configured with
 * the initiators it admits (their certificates); any other certificate ends the handshake with an alert. The result is
 * exported with {@code EXPORTER-oneM2M-ESCertKE}, 48 bytes: the pairwise key is the last 32, its ID the hex of the
 * first 16 ({@code <hex>} then, as the key ID, {@code <hex>@<terminator's ID>} by the caller's convention).
 */
public final class EsCertKe {
    public static final String EXPORTER = "EXPORTER-oneM2M-ESCertKE";

    /** TLS 1.2 suites of TS-0003 §10.2 for certificates: ECDHE-ECDSA with AES-128 (GCM, CCM_8, CBC-SHA256). */
    static final int[] SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
    };

    /** The most one ESCertKE message may carry (a flight with a certificate chain). */
    public static final int MAX_MESSAGE = 16 * 1024;

    private static final SecureRandom RANDOM = new SecureRandom();

    private EsCertKe() {}

    /** The pairwise key both ends hold after the fourth message; {@link #destroy} overwrites it. */
    public record PairwiseKey(String relativeId, byte[] key) {
        public void destroy() {
            Arrays.fill(key, (byte) 0);
        }

        @Override
        public String toString() {
            return "PairwiseKey[" + relativeId + "]";
        }
    }

    /** One end's certificate: its P-256 private key and its chain (leaf first). */
    public record Credential(PrivateKey key, List<X509Certificate> chain) {}

    /** The initiator: M1 from {@link #start}, M3 from {@link #next}, the key from {@link #finish}. */
    public static final class Initiator {
        private final TlsClientProtocol protocol = new TlsClientProtocol();
        private final Client client;

        /** @param terminator the certificate the terminator must present */
        public Initiator(Credential own, X509Certificate terminator) {
            this.client = new Client(new BcTlsCrypto(RANDOM), own, terminator);
        }

        public byte[] start() {
            try {
                protocol.connect(client);
                return output(protocol);
            } catch (IOException | RuntimeException e) {
                throw failed(e);
            }
        }

        /** M3 for the terminator's M2. */
        public byte[] next(byte[] m2) {
            byte[] m3 = step(protocol, m2);
            if (m3.length == 0) {
                throw new EsCertKeException("M2 is not a whole server flight");
            }
            return m3;
        }

        /** The pairwise key, once the terminator's M4 completed the handshake. */
        public PairwiseKey finish(byte[] m4) {
            step(protocol, m4);
            return exported(protocol, client.export.take());
        }

        /**
         * For a stream transport (a TLS peer on a socket, where a read may hold part of a flight): takes what arrived
         * and gives what to send (possibly nothing yet).
         */
        public byte[] offer(byte[] input) {
            return step(protocol, input);
        }

        /** Whether the handshake has completed. */
        public boolean done() {
            return client.export.ready() && protocol.isConnected() && !protocol.isHandshaking();
        }

        /** The pairwise key of a completed handshake; once. */
        public PairwiseKey key() {
            return exported(protocol, client.export.take());
        }
    }

    /** The terminator: M2 for M1, then M4 and the key for M3. */
    public static final class Terminator {
        private final TlsServerProtocol protocol = new TlsServerProtocol();
        private final Server server;
        private boolean accepted;

        /** @param initiators the certificates of the initiators this end admits */
        public Terminator(Credential own, List<X509Certificate> initiators) {
            this.server = new Server(new BcTlsCrypto(RANDOM), own, initiators);
        }

        public byte[] respond(byte[] m1) {
            if (accepted) {
                throw new EsCertKeException("M1 came already: this handshake goes on with M3");
            }
            try {
                protocol.accept(server);
                accepted = true;
            } catch (IOException | RuntimeException e) {
                throw failed(e);
            }
            byte[] m2 = step(protocol, m1);
            if (m2.length == 0) {
                throw new EsCertKeException("M1 is not a whole ClientHello");
            }
            return m2;
        }

        /** M4 for M3, and the pairwise key. */
        public Finished finish(byte[] m3) {
            byte[] m4 = step(protocol, m3);
            if (m4.length == 0) {
                throw new EsCertKeException("M3 did not complete the ESCertKE handshake");
            }
            return new Finished(m4, exported(protocol, server.export.take()), server.admitted);
        }
    }

    /** The terminator's last message, the key, and which admitted initiator's certificate the handshake proved. */
    public record Finished(byte[] m4, PairwiseKey key, X509Certificate initiator) {}

    private static byte[] step(TlsProtocol protocol, byte[] input) {
        if (input == null || input.length == 0 || input.length > MAX_MESSAGE) {
            throw new EsCertKeException("an ESCertKE message is 1 to " + MAX_MESSAGE + " bytes");
        }
        try {
            protocol.offerInput(input);
            return output(protocol);
        } catch (IOException | RuntimeException e) {
            throw failed(e);
        }
    }

    private static byte[] output(TlsProtocol protocol) {
        int n = protocol.getAvailableOutputBytes();
        byte[] out = new byte[n];
        protocol.readOutput(out, 0, n);
        return out;
    }

    private static PairwiseKey exported(TlsProtocol protocol, byte[] material) {
        if (material == null || !protocol.isConnected() || protocol.isHandshaking()) {
            throw new EsCertKeException("the ESCertKE handshake is not complete, or its key was taken already");
        }
        try {
            return new PairwiseKey(HexFormat.of().formatHex(material, 0, 16), Arrays.copyOfRange(material, 16, 48));
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    private static EsCertKeException failed(Exception e) {
        if (e instanceof TlsFatalAlert alert) {
            return new EsCertKeException(
                    "the ESCertKE handshake failed: " + AlertDescription.getName(alert.getAlertDescription()));
        }
        if (e instanceof org.bouncycastle.tls.TlsFatalAlertReceived alert) {
            return new EsCertKeException("the other end refused the ESCertKE handshake: "
                    + AlertDescription.getName(alert.getAlertDescription()));
        }
        if (e instanceof EsCertKeException k) {
            return k;
        }
        return new EsCertKeException("the ESCertKE handshake failed");
    }

    private static AsymmetricKeyParameter bcKey(PrivateKey key) {
        byte[] encoded = key.getEncoded();
        try {
            return PrivateKeyFactory.createKey(encoded);
        } catch (IOException e) {
            throw new EsCertKeException("the end's key is not usable for ESCertKE");
        } finally {
            if (encoded != null) {
                Arrays.fill(encoded, (byte) 0);
            }
        }
    }

    private static Certificate bcChain(BcTlsCrypto crypto, List<X509Certificate> chain) throws IOException {
        TlsCertificate[] out = new TlsCertificate[chain.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = crypto.createCertificate(chain.get(i).getEncoded());
            } catch (CertificateEncodingException e) {
                throw new IOException("certificate not encodable");
            }
        }
        return new Certificate(out);
    }

    /** Whether the peer's leaf certificate is one of {@code pinned} (same DER). */
    private static boolean pinned(Certificate peer, List<X509Certificate> pinned) throws IOException {
        return match(peer, pinned) != null;
    }

    /** The one of {@code pinned} that is the peer's leaf certificate (same DER), or null. */
    private static X509Certificate match(Certificate peer, List<X509Certificate> pinned) throws IOException {
        if (peer == null || peer.isEmpty()) {
            return null;
        }
        byte[] leaf = peer.getCertificateAt(0).getEncoded();
        for (X509Certificate c : pinned) {
            try {
                if (Arrays.equals(c.getEncoded(), leaf)) {
                    return c;
                }
            } catch (CertificateEncodingException e) {
                // not this one
            }
        }
        return null;
    }

    /** The keying material of a completed handshake, taken when it completes (the only moment Bouncy Castle allows). */
    private static final class Export {
        private byte[] material;

        void capture(org.bouncycastle.tls.TlsContext context) {
            material = context.exportKeyingMaterial(EXPORTER, null, 48);
        }

        boolean ready() {
            return material != null;
        }

        /** The material, once: the caller wipes it. */
        byte[] take() {
            byte[] m = material;
            material = null;
            return m;
        }
    }

    /** This end's ECDSA (P-256, SHA-256) signer with its certificate chain. */
    private static TlsCredentials signer(org.bouncycastle.tls.TlsContext context, BcTlsCrypto crypto, Credential own)
            throws IOException {
        return new BcDefaultTlsCredentialedSigner(
                new TlsCryptoParameters(context),
                crypto,
                bcKey(own.key()),
                bcChain(crypto, own.chain()),
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    private static final class Client extends DefaultTlsClient {
        private final Credential own;
        private final X509Certificate terminator;

        Client(BcTlsCrypto crypto, Credential own, X509Certificate terminator) {
            super(crypto);
            this.own = own;
            this.terminator = terminator;
        }

        final Export export = new Export();

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            export.capture(context);
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.TLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return org.bouncycastle.tls.TlsUtils.getSupportedCipherSuites(getCrypto(), SUITES);
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    if (!pinned(serverCertificate.getCertificate(), List.of(terminator))) {
                        throw new TlsFatalAlert(AlertDescription.bad_certificate, "not the terminator's certificate");
                    }
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                    return signer(context, (BcTlsCrypto) getCrypto(), own);
                }
            };
        }
    }

    private static final class Server extends DefaultTlsServer {
        private final Credential own;
        private final List<X509Certificate> initiators;

        Server(BcTlsCrypto crypto, Credential own, List<X509Certificate> initiators) {
            super(crypto);
            this.own = own;
            this.initiators = List.copyOf(initiators);
        }

        final Export export = new Export();

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            export.capture(context);
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.TLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return org.bouncycastle.tls.TlsUtils.getSupportedCipherSuites(getCrypto(), SUITES);
        }

        @Override
        public TlsCredentials getCredentials() throws IOException {
            return signer(context, (BcTlsCrypto) getCrypto(), own);
        }

        @Override
        public CertificateRequest getCertificateRequest() {
            Vector<SignatureAndHashAlgorithm> algorithms = new Vector<>();
            algorithms.add(new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
            return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign}, algorithms, null);
        }

        /** The admitted initiator's certificate the client presented (its key proved by CertificateVerify). */
        X509Certificate admitted;

        @Override
        public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
            admitted = match(clientCertificate, initiators);
            if (admitted == null) {
                throw new TlsFatalAlert(AlertDescription.bad_certificate, "not an admitted initiator");
            }
        }
    }
}
