package io.citadel.client.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.net.SocketFactory;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Client sockets that speak TLS-PSK (RFC 4279; Bouncy Castle's TLS API, as the JDK has no PSK) once
 * connected, for clients that take a {@link SocketFactory} and then just read and write, such as Paho's MQTT
 * client over {@code tcp://}: the CSE's pre-shared key with its broker or registrar. TLS 1.3 external PSK
 * with a hybrid post-quantum key exchange where the peer has it, else TLS 1.2 ECDHE-PSK or PSK
 * AES-GCM/CCM/CBC-SHA256 suites ({@link PskTlsClient}); the handshake happens inside {@code connect}.
 */
public final class PskClientSockets {
    private PskClientSockets() {}

    /** A factory whose sockets authenticate with {@code key} (copied) under {@code identity}. */
    public static SocketFactory factory(String identity, byte[] key) {
        return factory(identity, key, java.util.Map.of());
    }

    /**
     * A factory whose sockets authenticate with {@code key} (copied) under {@code identity} and export keying
     * material for {@code exports} (label → length) in each handshake, read with {@link #exported}.
     */
    public static SocketFactory factory(String identity, byte[] key, java.util.Map<String, Integer> exports) {
        byte[] copy = key.clone();
        java.util.Map<String, Integer> labels = java.util.Map.copyOf(exports);
        return new SocketFactory() {
            @Override
            public Socket createSocket() {
                return new PskSocket(identity, copy, labels);
            }

            @Override
            public Socket createSocket(String host, int port) throws IOException {
                return connected(new InetSocketAddress(host, port));
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
                return connected(new InetSocketAddress(host, port));
            }

            @Override
            public Socket createSocket(InetAddress host, int port) throws IOException {
                return connected(new InetSocketAddress(host, port));
            }

            @Override
            public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                    throws IOException {
                return connected(new InetSocketAddress(address, port));
            }

            private Socket connected(InetSocketAddress to) throws IOException {
                Socket s = createSocket();
                s.connect(to);
                return s;
            }
        };
    }

    /**
     * The key-exchange group a connected socket of this factory negotiated ("X25519MLKEM768", "x25519", "none"
     * for a pure-PSK suite).
     */
    public static String keyExchange(Socket socket) {
        if (socket instanceof PskSocket psk && psk.tls != null) {
            return KeyExchangeGroups.name(psk.negotiatedGroup);
        }
        throw new IllegalArgumentException("not a connected TLS-PSK socket");
    }

    /**
     * The keying material a connected socket of this factory exported for {@code label} in its handshake (a copy:
     * the caller zeroes it); throws when that label was not asked for.
     */
    public static byte[] exported(Socket socket, String label) {
        if (socket instanceof PskSocket psk && psk.tls != null) {
            byte[] b = psk.exported.get(label);
            if (b == null) {
                throw new IllegalStateException("no keying material exported for " + label);
            }
            return b.clone();
        }
        throw new IllegalArgumentException("not a connected TLS-PSK socket");
    }

    /** A TCP socket that completes a TLS-PSK handshake in {@link #connect} and reads and writes through it. */
    private static final class PskSocket extends Socket {
        private final String identity;
        private final byte[] key;
        private TlsClientProtocol tls;
        private int negotiatedGroup = -1;
        private final java.util.Map<String, Integer> exports;
        private final java.util.Map<String, byte[]> exported = new java.util.HashMap<>();

        PskSocket(String identity, byte[] key, java.util.Map<String, Integer> exports) {
            this.identity = identity;
            this.key = key;
            this.exports = exports;
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            super.connect(endpoint, timeout);
            setTcpNoDelay(true);
            int previous = getSoTimeout();
            setSoTimeout(timeout > 0 ? timeout : 10_000); // a silent server cannot hold the handshake forever
            TlsClientProtocol protocol = new TlsClientProtocol(super.getInputStream(), super.getOutputStream());
            byte[] secret = key.clone();
            PskTlsClient client = new PskTlsClient(
                    new BcTlsCrypto(new SecureRandom()),
                    identity.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    secret);
            client.exportOnCompletion(exports);
            try {
                protocol.connect(client);
            } catch (IOException e) {
                super.close();
                throw new IOException("TLS-PSK handshake with " + endpoint + " failed: " + e.getMessage(), e);
            } finally {
                Arrays.fill(secret, (byte) 0);
            }
            negotiatedGroup = client.negotiatedGroup();
            exports.forEach((label, length) -> exported.put(label, client.export(label, length)));
            setSoTimeout(previous);
            this.tls = protocol;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            if (tls == null) {
                throw new IOException("not connected");
            }
            return tls.getInputStream();
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            if (tls == null) {
                throw new IOException("not connected");
            }
            return tls.getOutputStream();
        }

        @Override
        public synchronized void close() throws IOException {
            try {
                exported.values().forEach(b -> Arrays.fill(b, (byte) 0));
                if (tls != null) {
                    tls.close();
                }
            } finally {
                super.close();
            }
        }
    }
}
