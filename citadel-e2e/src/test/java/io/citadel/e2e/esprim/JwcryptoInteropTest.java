package io.citadel.e2e.esprim;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResponseStatusCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ESPrim objects against another JOSE implementation, python3-jwcrypto (Debian): it opens what the originator and the
 * receiver seal (headers and plaintext as sent) with the session key, and the receiver opens what it seals with the
 * same header members, refusing one sealed under another key. The session key is the one both ends derive (it is
 * handed to the script, which stands in for the other end's JWE layer). Fails, naming the package, without
 * python3-jwcrypto.
 */
class JwcryptoInteropTest {
    static final String KID = "13-esprim-ae1@citadel.example";

    /** Runs the script with {@code args}; {@code key} (hex) then {@code stdin} on its standard input. */
    static String run(List<String> args, String key, String stdin) throws Exception {
        Path script = Path.of(
                JwcryptoInteropTest.class.getResource("/jwcrypto_esprim.py").toURI());
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().write((key + "\n" + stdin).getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as("python3-jwcrypto (apt-get install python3-jwcrypto): " + err)
                .isZero();
        return out;
    }

    @Test
    void jwcrypto_opens_ours_and_ours_opens_jwcryptos_but_not_under_another_key() throws Exception {
        byte[] pairwise = new byte[32];
        new SecureRandom().nextBytes(pairwise);
        TestClock clock = new TestClock();
        EsprimReceiver receiver = new EsprimReceiver(
                (kid, now) -> Optional.of(new PairwiseKeys.PairwiseKey(KID, pairwise, "/id-in/Cae1")),
                EsprimReceiver.Settings.defaults(),
                clock);
        RandObject r = receiver.randObject();
        EsprimOriginator originator =
                new EsprimOriginator(KID, pairwise, r, 10, Duration.ofMinutes(30), SessionKeys.Input.VALUES, clock);
        byte[] sessionKey = SessionKeys.derive(pairwise, r, originator.originatorRand(), SessionKeys.Input.VALUES, 16);
        String hex = HexFormat.of().formatHex(sessionKey);

        // jwcrypto opens the originator's object
        String inner = "{\"op\":2,\"to\":\"/id-in\",\"fr\":\"/id-in/Cae1\",\"rqi\":\"1\",\"rvi\":\"3\"}";
        String opened = run(
                List.of("open"),
                hex,
                originator.seal(inner.getBytes(StandardCharsets.UTF_8), EsprimObject.REQUEST_TYPE));
        String[] lines = opened.split("\n", 2);
        assertThat(lines[1]).isEqualTo(inner);
        assertThat(lines[0])
                .contains("\"alg\": \"dir\"", "\"enc\": \"A128GCM\"", "\"kid\": \"" + KID + "\"")
                .contains("\"ori\": \"" + originator.originatorRand().id() + "\"", "\"rri\": \"" + r.id() + "\"")
                .contains("\"oro\": {", "\"cty\": \"" + EsprimObject.REQUEST_TYPE + "\"");

        // the receiver opens one jwcrypto sealed with the same header members
        String header = "{\"alg\":\"dir\",\"enc\":\"A128GCM\",\"kid\":\"" + KID + "\",\"ori\":\""
                + originator.originatorRand().id() + "\",\"rri\":\"" + r.id() + "\",\"oro\":"
                + Json.MAPPER.writeValueAsString(originator.originatorRand().toJson()) + "}";
        String theirs = run(List.of("seal", header), hex, inner).strip();
        EsprimReceiver.Opened o = receiver.open(theirs);
        assertThat(new String(o.plaintext(), StandardCharsets.UTF_8)).isEqualTo(inner);
        // and jwcrypto opens the receiver's answer
        assertThat(run(
                                List.of("open"),
                                hex,
                                receiver.sealResponse(o, "{\"rsc\":2000}".getBytes(StandardCharsets.UTF_8)))
                        .split("\n", 2)[1])
                .isEqualTo("{\"rsc\":2000}");

        byte[] wrong = sessionKey.clone();
        wrong[0] ^= 1;
        String forged = run(List.of("seal", header), HexFormat.of().formatHex(wrong), inner)
                .strip();
        try {
            receiver.open(forged);
            throw new AssertionError("an object under another key was opened");
        } catch (OneM2mException e) {
            assertThat(e.status()).isEqualTo(ResponseStatusCode.ESPRIM_BAD_MAC);
        }
    }
}
