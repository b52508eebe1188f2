package io.citadel.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Load over loopback with one client for both modes, so the ratio compares the server, not two clients:
 * keep-alive RETRIEVEs over plain HTTP and over TLS-PSK, and full TLS-PSK handshakes per second.
 * <pre>java -cp ... io.citadel.bench.TlsLoad PLAIN_PORT PSK_PORT IDENTITY KEY_HEX PATH ORIGINATOR SECONDS THREADS
 *     [TLS_PORT CA_PEM CLIENT_PEM CLIENT_KEY]</pre>
 */
public final class TlsLoad {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TlsLoad() {}

    public static void main(String[] args) throws Exception {
        int plainPort = Integer.parseInt(args[0]);
        int pskPort = Integer.parseInt(args[1]);
        String identity = args[2];
        byte[] key = HexFormat.of().parseHex(args[3]);
        String path = args[4];
        String from = args[5];
        int seconds = Integer.parseInt(args[6]);
        int threads = Integer.parseInt(args[7]);
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: cse\r\nX-M2M-Origin: " + from
                        + "\r\nX-M2M-RI: b\r\nX-M2M-RVI: 3\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        run("warm-up plain", 3, threads, () -> keepAliveOver(new Socket("127.0.0.1", plainPort), request));
        run("warm-up psk", 3, threads, () -> keepAlivePsk(pskPort, identity, key, request));
        double plain = run(
                "RETRIEVE plain HTTP",
                seconds,
                threads,
                () -> keepAliveOver(new Socket("127.0.0.1", plainPort), request));
        double tls = run(
                "RETRIEVE TLS-PSK (ECDHE-PSK-CHACHA20)",
                seconds,
                threads,
                () -> keepAlivePsk(pskPort, identity, key, request));
        System.out.printf(Locale.ROOT, "ratio TLS-PSK/plain = %.2f%n", tls / plain);
        double tls12 = run(
                "full TLS-PSK handshakes (TLS 1.2 ECDHE-PSK, X25519)",
                seconds,
                threads,
                () -> handshake(pskPort, () -> client(identity, key)));
        double classical = run(
                "full TLS 1.3 PSK handshakes (psk_dhe_ke, X25519)",
                seconds,
                threads,
                () -> handshake(pskPort, () -> tls13Client(identity, key, org.bouncycastle.tls.NamedGroup.x25519)));
        double hybrid = run(
                "full TLS 1.3 PSK handshakes (psk_dhe_ke, X25519MLKEM768)",
                seconds,
                threads,
                () -> handshake(
                        pskPort, () -> tls13Client(identity, key, org.bouncycastle.tls.NamedGroup.X25519MLKEM768)));
        System.out.printf(
                Locale.ROOT,
                "ratio hybrid/X25519 TLS 1.3 PSK handshakes = %.2f; TLS 1.3 X25519 / TLS 1.2 = %.2f%n",
                hybrid / classical,
                classical / tls12);
        if (args.length >= 12) {
            javax.net.ssl.SSLContext mtls = mutualTls(Path.of(args[9]), Path.of(args[10]), Path.of(args[11]));
            int tlsPort = Integer.parseInt(args[8]);
            run(
                    "warm-up mutual TLS",
                    5,
                    threads,
                    () -> keepAliveOver(mtls.getSocketFactory().createSocket("127.0.0.1", tlsPort), request));
            double cert = run(
                    "RETRIEVE mutual TLS (JDK client, ECDHE-ECDSA)",
                    seconds,
                    threads,
                    () -> keepAliveOver(mtls.getSocketFactory().createSocket("127.0.0.1", tlsPort), request));
            System.out.printf(Locale.ROOT, "ratio mutual-TLS/plain = %.2f%n", cert / plain);
            run("full TLS 1.3 ECDHE-ECDSA handshakes with client certificate", seconds, threads, () -> {
                long n = 0;
                while (System.nanoTime() < deadline) {
                    try (javax.net.ssl.SSLSocket s =
                            (javax.net.ssl.SSLSocket) mtls.getSocketFactory().createSocket("127.0.0.1", tlsPort)) {
                        s.startHandshake();
                    }
                    n++;
                }
                return n;
            });
        }
    }

    private static long keepAliveOver(Socket socket, byte[] request) throws IOException {
        try (socket) {
            socket.setTcpNoDelay(true);
            return loop(new BufferedInputStream(socket.getInputStream(), 16384), socket.getOutputStream(), request);
        }
    }

    private static long loop(InputStream in, OutputStream out, byte[] request) throws IOException {
        long n = 0;
        while (System.nanoTime() < deadline) {
            out.write(request);
            out.flush();
            readResponse(in);
            n++;
        }
        return n;
    }

    /** A client context with the PEM client certificate and key, trusting the PEM CA; no session reuse. */
    private static javax.net.ssl.SSLContext mutualTls(Path ca, Path certPem, Path keyPem) throws Exception {
        java.security.cert.CertificateFactory cf = java.security.cert.CertificateFactory.getInstance("X.509");
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = java.nio.file.Files.newInputStream(ca)) {
            trust.setCertificateEntry("ca", cf.generateCertificate(in));
        }
        java.security.cert.Certificate[] chain;
        try (var in = java.nio.file.Files.newInputStream(certPem)) {
            chain = cf.generateCertificates(in).toArray(java.security.cert.Certificate[]::new);
        }
        java.security.PrivateKey key;
        try (var parser = new org.bouncycastle.openssl.PEMParser(java.nio.file.Files.newBufferedReader(keyPem))) {
            key = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter()
                    .getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) parser.readObject());
        }
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = "bench".toCharArray();
        ks.setKeyEntry("client", key, pw, chain);
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, pw);
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), RANDOM);
        ctx.getClientSessionContext().setSessionCacheSize(1); // full handshakes, not resumptions
        ctx.getClientSessionContext().setSessionTimeout(1);
        return ctx;
    }

    interface Loop {
        long run() throws Exception; // returns completed operations when the deadline passes
    }

    private static volatile long deadline;

    private static double run(String name, int seconds, int threads, Loop loop) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        AtomicBoolean failed = new AtomicBoolean();
        deadline = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    done.addAndGet(loop.run());
                } catch (Exception e) {
                    failed.set(true);
                    System.err.println(name + ": " + e);
                }
            });
            t.start();
            ts.add(t);
        }
        for (Thread t : ts) {
            t.join();
        }
        double rate = done.get() / (double) seconds;
        System.out.printf(
                Locale.ROOT,
                "RESULT %s: %.0f /s (%d in %d s, %d connections)%s%n",
                name,
                rate,
                done.get(),
                seconds,
                threads,
                failed.get() ? " WITH ERRORS" : "");
        return rate;
    }

    private static long keepAlivePsk(int port, String identity, byte[] key, byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            TlsClientProtocol p = new TlsClientProtocol(socket.getInputStream(), socket.getOutputStream());
            p.connect(client(identity, key));
            return loop(new BufferedInputStream(p.getInputStream(), 16384), p.getOutputStream(), request);
        }
    }

    private static PSKTlsClient client(String identity, byte[] key) {
        return new PSKTlsClient(new BcTlsCrypto(RANDOM), new BasicTlsPSKIdentity(identity, key)) {
            @Override
            protected int[] getSupportedCipherSuites() {
                return new int[] {CipherSuite.TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256};
            }
        };
    }

    /** A TLS 1.3-only client with the key as external PSK and one key-exchange group (for comparing groups). */
    private static PSKTlsClient tls13Client(String identity, byte[] key, int group) {
        byte[] id = identity.getBytes(StandardCharsets.UTF_8);
        return new PSKTlsClient(new BcTlsCrypto(RANDOM), new BasicTlsPSKIdentity(identity, key)) {
            @Override
            protected org.bouncycastle.tls.ProtocolVersion[] getSupportedVersions() {
                return org.bouncycastle.tls.ProtocolVersion.TLSv13.only();
            }

            @Override
            protected int[] getSupportedCipherSuites() {
                return new int[] {CipherSuite.TLS_AES_128_GCM_SHA256};
            }

            @Override
            public java.util.Vector getExternalPSKs() {
                java.util.Vector<Object> v = new java.util.Vector<>();
                v.add(new org.bouncycastle.tls.BasicTlsPSKExternal(
                        id, getCrypto().createSecret(key), org.bouncycastle.tls.PRFAlgorithm.tls13_hkdf_sha256));
                return v;
            }

            @Override
            protected java.util.Vector getSupportedGroups(java.util.Vector roles) {
                java.util.Vector<Object> v = new java.util.Vector<>();
                v.add(org.bouncycastle.util.Integers.valueOf(group));
                return v;
            }

            @Override
            public java.util.Vector getEarlyKeyShareGroups() {
                return getSupportedGroups(null);
            }

            @Override
            public void notifyHandshakeComplete() throws IOException {
                super.notifyHandshakeComplete();
                if (context.getSecurityParametersConnection().getNegotiatedGroup() != group) {
                    throw new IOException("negotiated another group than " + group);
                }
            }
        };
    }

    private static long handshake(int port, java.util.function.Supplier<PSKTlsClient> clients) throws IOException {
        long n = 0;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                TlsClientProtocol p = new TlsClientProtocol(s.getInputStream(), s.getOutputStream());
                p.connect(clients.get());
                p.close();
            }
            n++;
        }
        return n;
    }

    /** Reads one HTTP/1.1 response with Content-Length. */
    private static void readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        if (c < 0) {
            throw new IOException("connection closed");
        }
        String h = head.toString().toLowerCase(java.util.Locale.ROOT);
        int i = h.indexOf("content-length:");
        int length = i < 0
                ? 0
                : Integer.parseInt(h.substring(i + 15, h.indexOf('\r', i)).trim());
        long skipped = in.readNBytes(length).length;
        if (skipped != length) {
            throw new IOException("short body");
        }
    }
}
