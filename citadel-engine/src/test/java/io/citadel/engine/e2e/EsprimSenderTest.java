package io.citadel.engine.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.e2e.esprim.EsprimOriginator;
import io.citadel.e2e.esprim.EsprimReceiver;
import io.citadel.e2e.esprim.PairwiseKeys;
import io.citadel.e2e.esprim.SessionKeys;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.PrimitiveCodec;
import io.citadel.protocol.codec.Serialization;
import io.citadel.security.OriginatorIds;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The CSE as an ESPrim originator, against a real receiver behind a transport the test controls (as a transit CSE
 * would): refusals first. An answer outside the protection that claims success (2004 to the sit 3, 2001 to the sit
 * 5) is not believed; a 4113 drops the session (the next send begins a new one); a key bound to another identity is
 * not found; an ended session seals nothing. Then a sealed answer is opened and is the inner answer.
 */
class EsprimSenderTest {
    static final String KID = "esprim-cae2@citadel.example";
    final byte[] pairwise = new byte[32];
    final OriginatorIds ids = new OriginatorIds("/id-in", "//citadel.example");

    EsprimSenderTest() {
        new SecureRandom().nextBytes(pairwise);
    }

    PairwiseKeys keys(String identity) {
        return new PairwiseKeys() {
            @Override
            public Optional<PairwiseKey> find(String kid, java.time.Instant now) {
                return KID.equals(kid) ? Optional.of(new PairwiseKey(KID, pairwise, identity)) : Optional.empty();
            }

            @Override
            public Optional<PairwiseKey> findFor(java.util.function.Predicate<String> wanted, java.time.Instant now) {
                return wanted.test(identity) ? find(KID, now) : Optional.empty();
            }
        };
    }

    EsprimSender sender() {
        return new EsprimSender(keys("/id-mn/Cae2"), ids, "/id-in", SessionKeys.Input.VALUES, Clock.systemUTC());
    }

    /** The AE: answers sit 3 with its rand object and opens sit 5, answering the inner request with {@code inner}. */
    Function<RequestPrimitive, CompletableFuture<ResponsePrimitive>> ae(
            EsprimReceiver receiver, ResponseStatusCode inner, AtomicInteger randRequests) {
        return outer -> {
            Map<?, ?> seci = (Map<?, ?>) ((Map<?, ?>) outer.content()).get("m2m:seci");
            if (((Number) seci.get("sit")).intValue() == 3) {
                randRequests.incrementAndGet();
                return CompletableFuture.completedFuture(ResponsePrimitive.of(
                        ResponseStatusCode.OK,
                        outer,
                        Map.of(
                                "m2m:seci",
                                Map.of("sit", 4L, "ero", receiver.randObject().toJson()))));
            }
            EsprimReceiver.Opened opened = receiver.open((String) seci.get("epo"));
            RequestPrimitive in = PrimitiveCodec.decodeRequest(
                    PrimitiveCodec.document(opened.plaintext(), Serialization.JSON), java.time.Instant.now());
            byte[] answer = PrimitiveCodec.serialize(
                    PrimitiveCodec.encode(ResponsePrimitive.of(inner, in, null), in.from()), Serialization.JSON);
            return CompletableFuture.completedFuture(ResponsePrimitive.of(
                    ResponseStatusCode.OK,
                    outer,
                    Map.of("m2m:seci", Map.of("sit", 5L, "epo", receiver.sealResponse(opened, answer)))));
        };
    }

    EsprimReceiver receiver() {
        return new EsprimReceiver(
                (kid, now) -> KID.equals(kid)
                        ? Optional.of(new PairwiseKeys.PairwiseKey(KID, pairwise, "/id-in"))
                        : Optional.empty(),
                EsprimReceiver.Settings.defaults(),
                Clock.systemUTC());
    }

    static RequestPrimitive notification(String rqi) {
        return RequestPrimitive.builder(Operation.NOTIFY, "/id-mn/Cae2")
                .from("/id-in")
                .requestId(rqi)
                .releaseVersion("3")
                .content(Map.of("m2m:sgn", Map.of("nev", Map.of("rep", "secret"))))
                .build();
    }

    @Test
    void successes_outside_the_protection_are_not_believed_and_a_4113_drops_the_session() {
        EsprimSender sender = sender();
        PairwiseKeys.PairwiseKey key =
                sender.keyFor("//citadel.example/id-mn/Cae2").orElseThrow();
        assertThat(sender.keyFor("/id-mn/Cother")).isEmpty();
        assertThat(sender.keyFor("/id-mn/cse-mn/Cae2"))
                .as("not the identity the key is bound to")
                .isEmpty();

        ResponsePrimitive fakeRand = sender.send(
                        key,
                        notification("n1"),
                        outer -> CompletableFuture.completedFuture(
                                ResponsePrimitive.of(ResponseStatusCode.UPDATED, outer, null)))
                .join();
        assertThat(fakeRand.status()).isEqualTo(ResponseStatusCode.BAD_REQUEST);

        EsprimReceiver receiver = receiver();
        AtomicInteger rands = new AtomicInteger();
        Function<RequestPrimitive, CompletableFuture<ResponsePrimitive>> honest =
                ae(receiver, ResponseStatusCode.OK, rands);
        // a transit CSE that swallows the sealed NOTIFY and answers 2001 itself
        ResponsePrimitive fakeDelivery = sender.send(key, notification("n2"), outer -> {
                    boolean sit5 = String.valueOf(outer.content()).contains("epo");
                    return sit5
                            ? CompletableFuture.completedFuture(
                                    ResponsePrimitive.of(ResponseStatusCode.CREATED, outer, null))
                            : honest.apply(outer);
                })
                .join();
        assertThat(fakeDelivery.status()).isEqualTo(ResponseStatusCode.BAD_REQUEST);

        // a 4113 (a relay can say it, or the receiver forgot the session): dropped, the next send begins anew
        int before = rands.get();
        ResponsePrimitive forgotten = sender.send(
                        key,
                        notification("n3"),
                        outer -> String.valueOf(outer.content()).contains("epo")
                                ? CompletableFuture.completedFuture(ResponsePrimitive.error(
                                        ResponseStatusCode.ESPRIM_UNKNOWN_ORIG_RAND_ID, null, "3", "x"))
                                : honest.apply(outer))
                .join();
        assertThat(forgotten.status()).isEqualTo(ResponseStatusCode.ESPRIM_UNKNOWN_ORIG_RAND_ID);
        ResponsePrimitive delivered =
                sender.send(key, notification("n4"), honest).join();
        assertThat(delivered.status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(delivered.requestId()).isEqualTo("n4");
        assertThat(rands.get()).as("a new session began after the 4113").isEqualTo(before + 1);
        sender.close();
        key.destroy();
    }

    @Test
    void an_ended_session_seals_nothing() {
        EsprimReceiver receiver = receiver();
        EsprimOriginator session = new EsprimOriginator(
                KID,
                pairwise,
                receiver.randObject(),
                10,
                Duration.ofMinutes(5),
                SessionKeys.Input.VALUES,
                Clock.systemUTC());
        assertThat(session.seal(new byte[] {'{', '}'}, "application/json")).isNotEmpty();
        session.destroy();
        assertThatThrownBy(() -> session.seal(new byte[] {'{', '}'}, "application/json"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("this ESPrim session has ended");
        assertThatThrownBy(() -> session.open("a.b.c.d.e")).isInstanceOf(IllegalStateException.class);
    }
}
