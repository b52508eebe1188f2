package io.citadel.e2e.escertke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.e2e.esdata.TestKeys;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ESCertKE's four messages between an initiator and a terminator in memory, with P-256 keys and certificates OpenSSL
 * made. Refusals first: an initiator the terminator does not admit, a terminator that is not the one the initiator was
 * told of, a tampered or empty message; each ends with an alert and no key. Then both ends hold the same pairwise key
 * and ID, exported with EXPORTER-oneM2M-ESCertKE.
 */
class EsCertKeTest {
    @TempDir
    static Path dir;

    static TestKeys initiator;
    static TestKeys terminator;
    static TestKeys stranger;

    @BeforeAll
    static void keys() throws Exception {
        initiator = TestKeys.make(dir, "initiator");
        terminator = TestKeys.make(dir, "terminator");
        stranger = TestKeys.make(dir, "stranger");
    }

    static EsCertKe.Credential credential(TestKeys k) {
        return new EsCertKe.Credential(k.pair().getPrivate(), List.of(k.certificate()));
    }

    @Test
    void an_initiator_not_admitted_or_a_terminator_not_expected_gets_no_key() {
        EsCertKe.Initiator intruder = new EsCertKe.Initiator(credential(stranger), terminator.certificate());
        EsCertKe.Terminator t = new EsCertKe.Terminator(credential(terminator), List.of(initiator.certificate()));
        byte[] m3 = intruder.next(t.respond(intruder.start()));
        assertThatThrownBy(() -> t.finish(m3))
                .isInstanceOf(EsCertKeException.class)
                .hasMessage("the ESCertKE handshake failed: bad_certificate");

        EsCertKe.Initiator i = new EsCertKe.Initiator(credential(initiator), terminator.certificate());
        EsCertKe.Terminator impostor = new EsCertKe.Terminator(credential(stranger), List.of(initiator.certificate()));
        byte[] m2 = impostor.respond(i.start());
        assertThatThrownBy(() -> i.next(m2))
                .isInstanceOf(EsCertKeException.class)
                .hasMessage("the ESCertKE handshake failed: bad_certificate");
    }

    @Test
    void a_tampered_or_empty_message_ends_the_handshake() {
        EsCertKe.Initiator i = new EsCertKe.Initiator(credential(initiator), terminator.certificate());
        EsCertKe.Terminator t = new EsCertKe.Terminator(credential(terminator), List.of(initiator.certificate()));
        byte[] m3 = i.next(t.respond(i.start()));
        m3[m3.length - 5] ^= 1;
        assertThatThrownBy(() -> t.finish(m3))
                .isInstanceOf(EsCertKeException.class)
                .hasMessageStartingWith("the ESCertKE handshake failed");
        EsCertKe.Terminator fresh = new EsCertKe.Terminator(credential(terminator), List.of(initiator.certificate()));
        assertThatThrownBy(() -> fresh.respond(new byte[0])).hasMessage("an ESCertKE message is 1 to 16384 bytes");
        assertThatThrownBy(() -> fresh.respond("not a TLS record".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .isInstanceOf(EsCertKeException.class);
    }

    /**
     * OpenSSL's {@code s_server -tls1_2} as the terminator, our initiator over a socket: OpenSSL exports the same
     * 48 bytes with the ESCertKE label, so its ID and key are ours.
     */
    @Test
    void openssl_as_the_terminator_exports_the_same_key() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Process server = new ProcessBuilder(List.of(
                        "openssl",
                        "s_server",
                        "-tls1_2",
                        "-accept",
                        "127.0.0.1:" + port,
                        "-naccept",
                        "1",
                        "-cert",
                        terminator.certPem().toString(),
                        "-key",
                        terminator.keyPem().toString(),
                        "-Verify",
                        "1",
                        "-CAfile",
                        initiator.certPem().toString(),
                        "-keymatexport",
                        EsCertKe.EXPORTER,
                        "-keymatexportlen",
                        "48"))
                .redirectErrorStream(true)
                .start();
        try {
            StringBuilder out = new StringBuilder();
            java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(
                        server.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (java.io.IOException e) {
                    // the server ended
                }
            });
            reader.setDaemon(true);
            reader.start();
            await(lines, out, "ACCEPT");
            EsCertKe.Initiator i = new EsCertKe.Initiator(credential(initiator), terminator.certificate());
            try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(i.start());
                byte[] buffer = new byte[16384];
                while (!i.done()) {
                    int n = socket.getInputStream().read(buffer);
                    assertThat(n).as("OpenSSL closed the connection: " + out).isPositive();
                    byte[] reply = i.offer(java.util.Arrays.copyOf(buffer, n));
                    if (reply.length > 0) {
                        socket.getOutputStream().write(reply);
                    }
                }
                EsCertKe.PairwiseKey key = i.key();
                String material = await(lines, out, "Keying material: ")
                        .replace("Keying material: ", "")
                        .strip()
                        .toLowerCase(java.util.Locale.ROOT);
                assertThat(material)
                        .isEqualTo(key.relativeId() + java.util.HexFormat.of().formatHex(key.key()));
            }
        } finally {
            server.destroy();
            server.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** The first line of OpenSSL's output containing {@code text}, waiting at most 30 s. */
    static String await(java.util.concurrent.BlockingQueue<String> lines, StringBuilder seen, String text)
            throws InterruptedException {
        long end = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < end) {
            String line = lines.poll(1, java.util.concurrent.TimeUnit.SECONDS);
            if (line != null) {
                seen.append(line).append('\n');
                if (line.contains(text)) {
                    return line;
                }
            }
        }
        throw new AssertionError("OpenSSL never printed " + text + ":\n" + seen);
    }

    @Test
    void four_messages_give_both_ends_the_same_pairwise_key() {
        EsCertKe.Initiator i = new EsCertKe.Initiator(credential(initiator), terminator.certificate());
        EsCertKe.Terminator t = new EsCertKe.Terminator(credential(terminator), List.of(initiator.certificate()));
        byte[] m1 = i.start();
        byte[] m2 = t.respond(m1);
        byte[] m3 = i.next(m2);
        EsCertKe.Finished done = t.finish(m3);
        EsCertKe.PairwiseKey initiatorKey = i.finish(done.m4());
        assertThat(List.of(m1.length, m2.length, m3.length, done.m4().length)).allMatch(n -> n > 0);
        assertThat(m1[0]).as("M1 is a TLS handshake record").isEqualTo((byte) 22);
        assertThat(initiatorKey.relativeId())
                .matches("[0-9a-f]{32}")
                .isEqualTo(done.key().relativeId());
        assertThat(initiatorKey.key()).hasSize(32).isEqualTo(done.key().key());
        assertThat(initiatorKey.toString()).isEqualTo("PairwiseKey[" + initiatorKey.relativeId() + "]");
        assertThat(done.initiator()).isEqualTo(initiator.certificate());
        assertThatThrownBy(i::key)
                .as("a key is taken once")
                .hasMessage("the ESCertKE handshake is not complete, or its key was taken already");
    }

    @Test
    void a_stolen_certificate_without_its_key_or_a_second_m1_gets_nothing_and_the_admitted_initiator_is_named() {
        // the admitted initiator's certificate, presented with another key: CertificateVerify does not verify
        EsCertKe.Initiator thief = new EsCertKe.Initiator(
                new EsCertKe.Credential(stranger.pair().getPrivate(), List.of(initiator.certificate())),
                terminator.certificate());
        EsCertKe.Terminator t = new EsCertKe.Terminator(credential(terminator), List.of(initiator.certificate()));
        byte[] m3 = thief.next(t.respond(thief.start()));
        assertThatThrownBy(() -> t.finish(m3)).hasMessageStartingWith("the ESCertKE handshake failed");
        assertThatThrownBy(() -> t.respond(new byte[] {22}))
                .hasMessage("M1 came already: this handshake goes on with M3");

        // with two admitted initiators, the handshake names the one whose key it proved
        EsCertKe.Terminator both = new EsCertKe.Terminator(
                credential(terminator), List.of(initiator.certificate(), stranger.certificate()));
        EsCertKe.Initiator second = new EsCertKe.Initiator(credential(stranger), terminator.certificate());
        EsCertKe.Finished done = both.finish(second.next(both.respond(second.start())));
        assertThat(done.initiator()).isEqualTo(stranger.certificate());
        assertThat(second.finish(done.m4()).key()).isEqualTo(done.key().key());
    }
}
