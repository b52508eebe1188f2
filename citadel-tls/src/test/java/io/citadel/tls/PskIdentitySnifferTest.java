package io.citadel.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The psk_identity read off a client's plaintext handshake: malformed input first. */
class PskIdentitySnifferTest {

    static byte[] record(int type, byte[] fragment) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(type);
        o.write(3);
        o.write(3);
        o.write(fragment.length >> 8);
        o.write(fragment.length);
        o.writeBytes(fragment);
        return o.toByteArray();
    }

    static byte[] handshake(int type, byte[] body) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(type);
        o.write(body.length >> 16);
        o.write(body.length >> 8);
        o.write(body.length);
        o.writeBytes(body);
        return o.toByteArray();
    }

    static byte[] vector16(byte[] b) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(b.length >> 8);
        o.write(b.length);
        o.writeBytes(b);
        return o.toByteArray();
    }

    static byte[] clientKeyExchange(String identity) {
        return handshake(16, vector16(identity.getBytes(StandardCharsets.UTF_8)));
    }

    /** A TLS 1.3 ClientHello with a pre_shared_key extension offering {@code identities}. */
    static byte[] clientHello(String... identities) {
        ByteArrayOutputStream ids = new ByteArrayOutputStream();
        for (String id : identities) {
            ids.writeBytes(vector16(id.getBytes(StandardCharsets.UTF_8)));
            ids.writeBytes(new byte[4]); // obfuscated_ticket_age
        }
        ByteArrayOutputStream psk = new ByteArrayOutputStream();
        psk.writeBytes(vector16(ids.toByteArray()));
        psk.writeBytes(vector16(new byte[33])); // binders (content not read)
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        ext.writeBytes(new byte[] {0, 43}); // supported_versions, before it
        ext.writeBytes(vector16(new byte[] {2, 3, 4}));
        if (identities.length > 0) {
            ext.writeBytes(new byte[] {0, 41});
            ext.writeBytes(vector16(psk.toByteArray()));
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {3, 3});
        body.writeBytes(new byte[32]);
        body.write(0); // session id
        body.writeBytes(vector16(new byte[] {0x13, 0x01}));
        body.writeBytes(new byte[] {1, 0});
        body.writeBytes(vector16(ext.toByteArray()));
        return handshake(1, body.toByteArray());
    }

    @Test
    void garbage_other_records_and_truncated_messages_yield_nothing() {
        PskIdentitySniffer s = new PskIdentitySniffer();
        assertThat(s.offer("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
                .isEmpty();
        assertThat(new PskIdentitySniffer().offer(record(21, new byte[] {2, 40})))
                .isEmpty();
        byte[] lying = handshake(16, new byte[] {0, 50, 'a'}); // identity length beyond the message
        assertThat(new PskIdentitySniffer().offer(record(22, lying))).isEmpty();
        PskIdentitySniffer afterCcs = new PskIdentitySniffer();
        assertThat(afterCcs.offer(record(20, new byte[] {1}))).isEmpty();
        assertThat(afterCcs.offer(record(22, clientKeyExchange("k@mef.example"))))
                .as("sniffing ended")
                .isEmpty();
        assertThat(new PskIdentitySniffer().offer(new byte[70 * 1024])).isEmpty();
    }

    @Test
    void a_tls12_client_key_exchange_split_across_records_and_reads_gives_its_identity() {
        PskIdentitySniffer s = new PskIdentitySniffer();
        assertThat(s.offer(record(22, clientHello())))
                .as("no pre_shared_key in a 1.2 hello")
                .isEmpty();
        byte[] cke = clientKeyExchange("00ff@mef.citadel.example");
        byte[] wire = concat(
                record(22, Arrays.copyOfRange(cke, 0, 5)),
                record(22, Arrays.copyOfRange(cke, 5, cke.length)),
                record(20, new byte[] {1}));
        assertThat(s.offer(Arrays.copyOfRange(wire, 0, 7))).isEmpty();
        assertThat(s.offer(Arrays.copyOfRange(wire, 7, wire.length))).containsExactly("00ff@mef.citadel.example");
        assertThat(s.offer(record(22, clientKeyExchange("again")))).as("once").isEmpty();
    }

    @Test
    void a_tls13_client_hello_gives_its_offered_identities() {
        assertThat(new PskIdentitySniffer().offer(record(22, clientHello("a@mef.example", "b@maf.example"))))
                .isEqualTo(List.of("a@mef.example", "b@maf.example"));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
