package io.citadel.client.device;

import io.citadel.client.tls.PskHttpConnection;
import io.citadel.credentials.KeyDerivation;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * One TLS-PSK session with the MEF over the bootstrap key: HTTP exchanges and the keying material its handshake
 * exported ({@code EXPORTER-oneM2M-Bootstrap}, 48 bytes).
 */
interface MefChannel extends AutoCloseable {
    PskHttpConnection.Reply exchange(String method, String path, Map<String, String> headers, byte[] body)
            throws IOException;

    /** The bootstrap export of the session that carried the last exchange (a copy). */
    byte[] bootstrapExport();

    @Override
    void close();

    /** The real channel: {@link PskHttpConnection} with the bootstrap key. */
    static MefChannel psk(String host, int port, String kpmId, byte[] kpm, Duration timeout) {
        PskHttpConnection c = new PskHttpConnection(
                host, port, kpmId, kpm, Map.of(KeyDerivation.BOOTSTRAP_EXPORTER, KeyDerivation.EXPORT_LENGTH));
        return new MefChannel() {
            @Override
            public PskHttpConnection.Reply exchange(
                    String method, String path, Map<String, String> headers, byte[] body) throws IOException {
                return c.exchange(method, path, headers, body, timeout);
            }

            @Override
            public byte[] bootstrapExport() {
                return c.exported(KeyDerivation.BOOTSTRAP_EXPORTER);
            }

            @Override
            public void close() {
                c.close();
            }
        };
    }
}
