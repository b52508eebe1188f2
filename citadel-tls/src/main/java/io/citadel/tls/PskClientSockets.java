package io.citadel.tls;

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
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Client sockets that speak TLS-PSK (RFC 4279; Bouncy Castle's TLS API, as the JDK has no PSK) once
 * connected, for clients that take a {@link SocketFactory} and then just read and write, such as Paho's MQTT
 * client over {@code tcp://}: the CSE's pre-shared key with its broker. TLS 1.2 with ECDHE-PSK and PSK
 * AES-GCM/CCM/CBC-SHA256 suites (the broker picks); the handshake happens inside {@code connect}.
 */
public final class PskClientSockets {
    static final int[] SUITES = {CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256, CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_PSK_WITH_AES_128_CCM_8, CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256};

    private PskClientSockets() {
    }

    /** A factory whose sockets authenticate with {@code key} (copied) under {@code identity}. */
    public static SocketFactory factory(String identity, byte[] key) {
        byte[] copy = key.clone();
        return new SocketFactory() {
            @Override
            public Socket createSocket() {
                return new PskSocket(identity, copy);
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
            public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
                return connected(new InetSocketAddress(address, port));
            }

            private Socket connected(InetSocketAddress to) throws IOException {
                Socket s = createSocket();
                s.connect(to);
                return s;
            }
        };
    }

    /** A TCP socket that completes a TLS-PSK handshake in {@link #connect} and reads and writes through it. */
    private static final class PskSocket extends Socket {
        private final String identity;
        private final byte[] key;
        private TlsClientProtocol tls;

        PskSocket(String identity, byte[] key) {
            this.identity = identity;
            this.key = key;
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            super.connect(endpoint, timeout);
            setTcpNoDelay(true);
            int previous = getSoTimeout();
            setSoTimeout(timeout > 0 ? timeout : 10_000); // a silent server cannot hold the handshake forever
            TlsClientProtocol protocol = new TlsClientProtocol(super.getInputStream(), super.getOutputStream());
            byte[] secret = key.clone();
            try {
                protocol.connect(new PSKTlsClient(new BcTlsCrypto(new SecureRandom()), new BasicTlsPSKIdentity(identity, secret)) {
                    @Override
                    protected ProtocolVersion[] getSupportedVersions() {
                        return ProtocolVersion.TLSv12.only();
                    }

                    @Override
                    protected int[] getSupportedCipherSuites() {
                        return SUITES.clone();
                    }
                });
            } catch (IOException e) {
                super.close();
                throw new IOException("TLS-PSK handshake with " + endpoint + " failed: " + e.getMessage(), e);
            } finally {
                Arrays.fill(secret, (byte) 0);
            }
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
                if (tls != null) {
                    tls.close();
                }
            } finally {
                super.close();
            }
        }
    }
}
