package io.citadel.tls.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.elements.AddressEndpointContext;
import org.eclipse.californium.elements.RawData;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One DTLS peer cannot take the connection store from the others: real Scandium server and clients on loopback, a
 * share of two connections per address; a third from the same address replaces that address's least recently used
 * one, another address is not touched.
 */
class PeerLimitedConnectionStoreTest {
    private static final String IDENTITY = "dev@psk.example";
    private static final byte[] KEY = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    final List<DTLSConnector> connectors = new ArrayList<>();
    final BlockingQueue<InetSocketAddress> received = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() {
        connectors.forEach(DTLSConnector::destroy);
    }

    private static Configuration configuration(DtlsConfig.DtlsRole role) {
        DtlsConfig.register();
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(DtlsConfig.DTLS_ROLE, role);
        config.set(DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY, false);
        config.setAsList(DtlsConfig.DTLS_CIPHER_SUITES, CipherSuite.TLS_PSK_WITH_AES_128_CCM_8);
        return config;
    }

    /** A client from {@code local} that completes a handshake and has its first datagram received. */
    private InetSocketAddress connect(DTLSConnector server, String local) throws Exception {
        DTLSConnector client =
                new DTLSConnector(DtlsConnectorConfig.builder(configuration(DtlsConfig.DtlsRole.CLIENT_ONLY))
                        .setAddress(new InetSocketAddress(InetAddress.getByName(local), 0))
                        .setAdvancedPskStore(new AdvancedSinglePskStore(IDENTITY, KEY))
                        .build());
        connectors.add(client);
        client.setRawDataReceiver(data -> {});
        client.start();
        client.send(RawData.outbound(
                "hello".getBytes(StandardCharsets.US_ASCII),
                new AddressEndpointContext(server.getAddress()),
                null,
                false));
        InetSocketAddress from = received.poll(60, TimeUnit.SECONDS);
        assertThat(from).as("the handshake completed").isEqualTo(client.getAddress());
        return from;
    }

    @Test
    void a_peer_at_its_share_replaces_its_own_least_recently_used_connection_and_no_one_elses() throws Exception {
        Configuration config = configuration(DtlsConfig.DtlsRole.SERVER_ONLY);
        DtlsConnectorConfig serverConfig = DtlsConnectorConfig.builder(config)
                .setAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .setAdvancedPskStore(new AdvancedSinglePskStore(IDENTITY, KEY))
                .build();
        PeerLimitedConnectionStore store = new PeerLimitedConnectionStore(100, 1800, 2, 2);
        DTLSConnector server = new DTLSConnector(serverConfig, store) {};
        connectors.add(server);
        server.setRawDataReceiver(data -> received.add(data.getInetSocketAddress()));
        server.start();

        InetSocketAddress other = connect(server, "127.0.0.9");
        InetSocketAddress first = connect(server, "127.0.0.8");
        InetSocketAddress second = connect(server, "127.0.0.8");
        assertThat(store.held(first.getAddress())).isEqualTo(2);
        InetSocketAddress third = connect(server, "127.0.0.8");
        assertThat(store.held(first.getAddress())).as("at its share").isEqualTo(2);
        assertThat(store.get(first)).as("its least recently used made room").isNull();
        assertThat(store.get(second)).isNotNull();
        assertThat(store.get(third)).isNotNull();
        assertThat(store.get(other)).as("another address keeps its own").isNotNull();
        assertThat(store.held(other.getAddress())).isEqualTo(1);
    }
}
