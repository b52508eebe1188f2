package io.citadel.e2e.esprim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.AESEncrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResponseStatusCode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The receiver's checks in their order and with their codes (TS-0004 Table 7.6.2-1), refusals first: not a JWE
 * (4000), not direct mode or another enc (4111), an unknown key (4112), an unknown or expired receiver rand object
 * (4114), an unknown originator rand object without oro, an expired one or one that outlives the receiver's (4113), a
 * flipped bit or another key (4115), a replay (4113), the bounds on sessions; then a request and its answer both ways,
 * the second without oro.
 */
class EsprimReceiverTest {
    static final byte[] PAIRWISE = new byte[32];
    static final String KID = "13-esprim-ae1@citadel.example";

    static {
        new SecureRandom().nextBytes(PAIRWISE);
    }

    TestClock clock;
    EsprimReceiver receiver;

    @BeforeEach
    void setUp() {
        clock = new TestClock();
        receiver = new EsprimReceiver(keys(PAIRWISE), EsprimReceiver.Settings.defaults(), clock);
    }

    static PairwiseKeys keys(byte[] key) {
        return (kid, now) ->
                KID.equals(kid) ? Optional.of(new PairwiseKeys.PairwiseKey(KID, key, "/id-in/Cae1")) : Optional.empty();
    }

    EsprimOriginator originator(byte[] key, Duration lifetime) {
        return new EsprimOriginator(KID, key, receiver.randObject(), 10, lifetime, SessionKeys.Input.VALUES, clock);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void refused(ThrowingCallable call, ResponseStatusCode code, String message) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        OneM2mException.class, e -> assertThat(e.status()).isEqualTo(code))
                .hasMessage(message);
    }

    @Test
    void what_is_not_an_esprim_object_is_4000_or_4111() throws Exception {
        refused(
                () -> receiver.open("not.a.jwe"),
                ResponseStatusCode.BAD_REQUEST,
                "the ESPrim object is not a JWE in compact serialization");
        refused(
                () -> receiver.open("x".repeat(EsprimObject.MAX_LENGTH + 1)),
                ResponseStatusCode.BAD_REQUEST,
                "the ESPrim object is missing or longer than 262144 characters");
        JWEObject wrapped = new JWEObject(
                new JWEHeader.Builder(JWEAlgorithm.A128KW, EncryptionMethod.A128GCM)
                        .keyID(KID)
                        .build(),
                new Payload("x"));
        wrapped.encrypt(new AESEncrypter(new byte[16]));
        refused(
                () -> receiver.open(wrapped.serialize()),
                ResponseStatusCode.ESPRIM_UNSUPPORTED_OPTION,
                "an ESPrim object is in direct mode (alg dir)");
        JWEObject cbc = new JWEObject(
                new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A128CBC_HS256)
                        .keyID(KID)
                        .customParam("ori", "a")
                        .customParam("rri", "b")
                        .build(),
                new Payload("x"));
        cbc.encrypt(new DirectEncrypter(new byte[32]));
        refused(
                () -> receiver.open(cbc.serialize()),
                ResponseStatusCode.ESPRIM_UNSUPPORTED_OPTION,
                "enc is not A128GCM, A192GCM or A256GCM");
        String noRand = EsprimObject.seal(utf8("x"), new byte[16], EncryptionMethod.A128GCM, KID, "a", "b", null, null)
                .replaceFirst(
                        "^[^.]+",
                        com.nimbusds.jose.util.Base64URL.encode(
                                        "{\"alg\":\"dir\",\"enc\":\"A128GCM\",\"kid\":\"" + KID + "\"}")
                                .toString());
        refused(
                () -> receiver.open(noRand),
                ResponseStatusCode.BAD_REQUEST,
                "the ESPrim object names no rand objects (ori, rri)");
    }

    @Test
    void an_unknown_key_or_rand_object_is_4112_4114_or_4113() {
        EsprimOriginator o = originator(PAIRWISE, Duration.ofMinutes(30));
        String sealed = o.seal(utf8("{}"), EsprimObject.REQUEST_TYPE);
        EsprimReceiver stranger =
                new EsprimReceiver((kid, now) -> Optional.empty(), EsprimReceiver.Settings.defaults(), clock);
        refused(
                () -> stranger.open(sealed),
                ResponseStatusCode.ESPRIM_UNKNOWN_KEY_ID,
                "no valid pairwise ESPrim key of this kid");
        EsprimReceiver forgetful = new EsprimReceiver(keys(PAIRWISE), EsprimReceiver.Settings.defaults(), clock);
        refused(
                () -> forgetful.open(sealed),
                ResponseStatusCode.ESPRIM_UNKNOWN_RECV_RAND_ID,
                "no valid receiver rand object of this rri");

        // an originator rand object the receiver never saw, without oro
        receiver.open(sealed);
        EsprimOriginator other = originator(PAIRWISE, Duration.ofMinutes(30));
        String first = other.seal(utf8("{}"), EsprimObject.REQUEST_TYPE);
        String withoutOro = stripOro(first);
        refused(
                () -> receiver.open(withoutOro),
                ResponseStatusCode.ESPRIM_UNKNOWN_ORIG_RAND_ID,
                "no originator rand object of this ori is known, and the object carries none (oro)");
    }

    /** The same object with {@code oro} taken out of its header (which then no longer verifies, if it got so far). */
    static String stripOro(String compact) {
        String[] parts = compact.split("\\.", -1);
        String header =
                new String(com.nimbusds.jose.util.Base64URL.from(parts[0]).decode(), StandardCharsets.UTF_8);
        String stripped = header.replaceAll(",?\"oro\":\\{[^}]*\\}", "");
        parts[0] = com.nimbusds.jose.util.Base64URL.encode(stripped).toString();
        return String.join(".", parts);
    }

    @Test
    void expired_rand_objects_are_4114_and_4113() {
        EsprimOriginator o = originator(PAIRWISE, Duration.ofMinutes(5));
        String sealed = o.seal(utf8("{}"), EsprimObject.REQUEST_TYPE);
        clock.advance(Duration.ofMinutes(6));
        refused(
                () -> receiver.open(sealed),
                ResponseStatusCode.ESPRIM_UNKNOWN_ORIG_RAND_ID,
                "the originator rand object has expired or outlives the receiver's");
        EsprimOriginator late = originator(PAIRWISE, Duration.ofHours(5)); // capped at the receiver's expiry
        String object = late.seal(utf8("{}"), EsprimObject.REQUEST_TYPE);
        clock.advance(Duration.ofHours(2));
        refused(
                () -> receiver.open(object),
                ResponseStatusCode.ESPRIM_UNKNOWN_RECV_RAND_ID,
                "no valid receiver rand object of this rri");
    }

    @Test
    void a_flipped_bit_or_another_key_is_4115_and_changes_nothing() {
        EsprimOriginator o = originator(PAIRWISE, Duration.ofMinutes(30));
        String sealed = o.seal(utf8("{\"op\":2}"), EsprimObject.REQUEST_TYPE);
        String[] parts = sealed.split("\\.");
        byte[] ct = com.nimbusds.jose.util.Base64URL.from(parts[3]).decode();
        ct[0] ^= 1;
        parts[3] = com.nimbusds.jose.util.Base64URL.encode(ct).toString();
        refused(
                () -> receiver.open(String.join(".", parts)),
                ResponseStatusCode.ESPRIM_BAD_MAC,
                "the ESPrim object does not verify under its key");
        byte[] otherKey = PAIRWISE.clone();
        otherKey[0] ^= 1;
        String forged = originator(otherKey, Duration.ofMinutes(30)).seal(utf8("{}"), EsprimObject.REQUEST_TYPE);
        refused(
                () -> receiver.open(forged),
                ResponseStatusCode.ESPRIM_BAD_MAC,
                "the ESPrim object does not verify under its key");
        // the genuine object still opens: the failures kept no session
        assertThat(new String(receiver.open(sealed).plaintext(), StandardCharsets.UTF_8))
                .isEqualTo("{\"op\":2}");
    }

    @Test
    void a_replay_is_4113_and_the_bounds_refuse_rather_than_forget() {
        EsprimOriginator o = originator(PAIRWISE, Duration.ofMinutes(30));
        String sealed = o.seal(utf8("{}"), EsprimObject.REQUEST_TYPE);
        receiver.open(sealed);
        refused(
                () -> receiver.open(sealed),
                ResponseStatusCode.ESPRIM_UNKNOWN_ORIG_RAND_ID,
                "this ESPrim object was accepted before (a replay)");

        EsprimReceiver small = new EsprimReceiver(
                keys(PAIRWISE),
                new EsprimReceiver.Settings(Duration.ofHours(1), SessionKeys.Input.VALUES, 10, 2, 3),
                clock);
        RandObject r = small.randObject();
        EsprimOriginator[] three = new EsprimOriginator[3];
        for (int i = 0; i < 3; i++) {
            three[i] =
                    new EsprimOriginator(KID, PAIRWISE, r, 10, Duration.ofMinutes(30), SessionKeys.Input.VALUES, clock);
        }
        small.open(three[0].seal(utf8("{}"), null));
        small.open(three[1].seal(utf8("{}"), null));
        refused(
                () -> small.open(three[2].seal(utf8("{}"), null)),
                ResponseStatusCode.ESPRIM_UNKNOWN_ORIG_RAND_ID,
                "this pairwise key has as many live originator rand objects as it may; reuse one");
        small.open(three[0].seal(utf8("{}"), null));
        small.open(three[0].seal(utf8("{}"), null));
        refused(
                () -> small.open(three[0].seal(utf8("{}"), null)),
                ResponseStatusCode.ESPRIM_UNKNOWN_ORIG_RAND_ID,
                "this originator rand object protected as many objects as it may; make a new one");
        clock.advance(Duration.ofMinutes(31)); // expired sessions make room
        EsprimOriginator fresh = new EsprimOriginator(
                KID, PAIRWISE, small.randObject(), 10, Duration.ofMinutes(10), SessionKeys.Input.VALUES, clock);
        assertThat(small.open(fresh.seal(utf8("{}"), null)).identity()).isEqualTo("/id-in/Cae1");
    }

    @Test
    void a_recorded_object_respelled_or_compressed_is_refused_not_taken_for_a_new_one() throws Exception {
        EsprimOriginator o = originator(PAIRWISE, Duration.ofMinutes(30));
        String sealed = o.seal(utf8("{}"), EsprimObject.REQUEST_TYPE);
        receiver.open(sealed);
        String[] parts = sealed.split("\\.", -1);
        for (String iv : List.of(parts[2] + "A", parts[2] + "=", parts[2] + " ", parts[2] + "!", "A" + parts[2])) {
            String respelled = String.join(".", parts[0], parts[1], iv, parts[3], parts[4]);
            assertThatThrownBy(() -> receiver.open(respelled))
                    .isInstanceOfSatisfying(
                            OneM2mException.class,
                            e -> assertThat(e.status())
                                    .isIn(
                                            ResponseStatusCode.BAD_REQUEST,
                                            ResponseStatusCode.ESPRIM_UNKNOWN_ORIG_RAND_ID));
        }
        String padded = String.join(".", parts[0], parts[1], parts[2] + "A", parts[3], parts[4]);
        refused(
                () -> receiver.open(padded),
                ResponseStatusCode.BAD_REQUEST,
                "the ESPrim object is not in canonical base64url");
        JWEObject zipped = new JWEObject(
                new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A128GCM)
                        .keyID(KID)
                        .compressionAlgorithm(com.nimbusds.jose.CompressionAlgorithm.DEF)
                        .customParam("ori", "a")
                        .customParam("rri", "b")
                        .build(),
                new Payload("x".repeat(10_000)));
        zipped.encrypt(new DirectEncrypter(new byte[16]));
        refused(
                () -> receiver.open(zipped.serialize()),
                ResponseStatusCode.ESPRIM_UNSUPPORTED_OPTION,
                "an ESPrim object is neither compressed (zip) nor carries critical header parameters");
    }

    @Test
    void the_same_first_object_sent_twice_at_once_is_executed_once() throws Exception {
        receiver = new EsprimReceiver(
                keys(PAIRWISE),
                new EsprimReceiver.Settings(Duration.ofHours(1), SessionKeys.Input.VALUES, 10_000, 1_000, 10_000),
                clock); // every trial is a new session
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int trial = 0; trial < 200; trial++) {
                String sealed = originator(PAIRWISE, Duration.ofMinutes(30)).seal(utf8("{}"), null);
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
                java.util.concurrent.Callable<Boolean> attempt = () -> {
                    start.await();
                    try {
                        receiver.open(sealed);
                        return true;
                    } catch (OneM2mException e) {
                        return false;
                    }
                };
                var a = two.submit(attempt);
                var b = two.submit(attempt);
                assertThat((a.get() ? 1 : 0) + (b.get() ? 1 : 0))
                        .as("trial " + trial)
                        .isEqualTo(1);
            }
        } finally {
            two.shutdownNow();
        }
    }

    @Test
    void a_kid_bound_to_another_identity_since_ends_the_sessions_it_had() {
        java.util.concurrent.atomic.AtomicReference<String> bound =
                new java.util.concurrent.atomic.AtomicReference<>("/id-in/CaeA");
        EsprimReceiver r = new EsprimReceiver(
                (kid, now) -> Optional.of(new PairwiseKeys.PairwiseKey(KID, PAIRWISE, bound.get())),
                EsprimReceiver.Settings.defaults(),
                clock);
        EsprimOriginator o = new EsprimOriginator(
                KID, PAIRWISE, r.randObject(), 10, Duration.ofMinutes(30), SessionKeys.Input.VALUES, clock);
        EsprimReceiver.Opened first = r.open(o.seal(utf8("{}"), null));
        assertThat(first.identity()).isEqualTo("/id-in/CaeA");
        o.open(r.sealResponse(first, utf8("{}"))); // the originator now sends without oro
        bound.set("/id-in/CaeB");
        refused(
                () -> r.open(o.seal(utf8("{}"), null)),
                ResponseStatusCode.ESPRIM_UNKNOWN_ORIG_RAND_ID,
                "no originator rand object of this ori is known, and the object carries none (oro)");
    }

    @Test
    void a_request_and_its_answer_go_both_ways_and_the_second_request_needs_no_oro() {
        EsprimOriginator o = originator(PAIRWISE, Duration.ofMinutes(30));
        String request = o.seal(utf8("{\"op\":2,\"to\":\"/id-in\",\"fr\":\"/id-in/Cae1\"}"), EsprimObject.REQUEST_TYPE);
        assertThat(request.split("\\.")[1]).as("direct mode: no encrypted key").isEmpty();
        EsprimReceiver.Opened opened = receiver.open(request);
        assertThat(opened.identity()).isEqualTo("/id-in/Cae1");
        assertThat(opened.contentType()).isEqualTo(EsprimObject.REQUEST_TYPE);
        String answer = receiver.sealResponse(opened, utf8("{\"rsc\":2000}"));
        assertThat(new String(o.open(answer), StandardCharsets.UTF_8)).isEqualTo("{\"rsc\":2000}");

        String second = o.seal(utf8("{\"op\":2}"), EsprimObject.REQUEST_TYPE);
        assertThat(EsprimObject.parse(second).header().oro())
                .as("the receiver holds the session now")
                .isNull();
        assertThat(receiver.open(second).plaintext()).isEqualTo(utf8("{\"op\":2}"));
        // an answer of another session is discarded
        EsprimOriginator other = originator(PAIRWISE, Duration.ofMinutes(30));
        EsprimReceiver.Opened otherOpened = receiver.open(other.seal(utf8("{}"), null));
        String foreign = receiver.sealResponse(otherOpened, utf8("{}"));
        refused(
                () -> o.open(foreign),
                ResponseStatusCode.BAD_REQUEST,
                "the answer's ESPrim object is not of this session");
    }

    @Test
    void its_headers_carry_kid_ori_rri_and_oro() {
        EsprimOriginator o = originator(PAIRWISE, Duration.ofMinutes(30));
        EsprimObject.Header h = EsprimObject.parse(o.seal(utf8("{}"), EsprimObject.REQUEST_TYPE))
                .header();
        assertThat(h.kid()).isEqualTo(KID);
        assertThat(h.ori()).isEqualTo(o.originatorRand().id());
        assertThat(h.rri()).isEqualTo(receiver.randObject().id());
        assertThat(h.oro()).containsKeys("esri", "esrv", "esrx", "esk", "espa");
        assertThat((Map<String, Object>) h.oro())
                .containsEntry("esri", o.originatorRand().id());
    }
}
