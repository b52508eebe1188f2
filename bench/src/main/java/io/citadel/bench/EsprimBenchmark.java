package io.citadel.bench;

import io.citadel.e2e.esprim.EsprimObject;
import io.citadel.e2e.esprim.EsprimOriginator;
import io.citadel.e2e.esprim.EsprimReceiver;
import io.citadel.e2e.esprim.PairwiseKeys;
import io.citadel.e2e.esprim.RandObject;
import io.citadel.e2e.esprim.SessionKeys;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.PrimitiveCodec;
import io.citadel.protocol.codec.Serialization;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of ESPrim (TS-0003 §8.4) per request, on an established session (A128GCM, protocol 10, as the SDK
 * chooses; no key derivation, no {@code oro}): {@code originatorSeal} of a ~300-byte inner request,
 * {@code receiverOpenAndSealResponse} (the receiver's checks, decryption, replay bookkeeping and the sealed answer),
 * {@code originatorOpen} of that answer, and {@code roundTrip}, all four steps of one request; {@code deriveSessionKey*}
 * is the HMAC-SHA256 of a new session alone (both readings of its input). {@code baselineJsonSerialize} is what every
 * request costs without ESPrim: the same primitive serialized to JSON. Each iteration starts a fresh receiver and
 * session, so the receiver's replay table (one IV per object, bound raised here) stays the size of one iteration.
 * Ten warm-up seconds, not three: the JWE paths (Nimbus, JCA AES-GCM) were still 5-10 times slower than steady state
 * after three on a shared 2-core machine.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EsprimBenchmark {
    static final String KID = "esprim-bench@citadel.example";
    static final String AE = "/id-mn/Cae1";
    static final int PROTOCOL = 10;

    /** The primitives, the pairwise key and an established session; fresh per iteration. */
    @State(Scope.Thread)
    public static class Session {
        final byte[] pairwise = new byte[32];
        final RequestPrimitive request = RequestPrimitive.builder(Operation.CREATE, "/id-in/cse-in/vault")
                .from(AE)
                .requestId("e2e1717171717171717")
                .releaseVersion("3")
                .resourceType(4)
                .content(Map.of(
                        "m2m:cin",
                        Map.of(
                                "cnf", "application/json:0",
                                "lbl", List.of("room:12", "sensor:temperature", "floor:3"),
                                "con", "{\"t\":21.53,\"h\":48.2,\"p\":1013.25,\"ts\":\"20250101T120000\",\"bat\":87}")))
                .build();
        /** The inner request (its JSON), as the SDK seals it. */
        byte[] inner;
        /** The inner response: the created contentInstance, about the same size. */
        byte[] innerResponse;

        EsprimReceiver receiver;
        EsprimOriginator originator;
        RandObject receiverRand;
        /** A sealed answer the originator can open again and again (it keeps no replay table). */
        String answer;

        @Setup(Level.Trial)
        public void setUpTrial() {
            new SecureRandom().nextBytes(pairwise);
            inner = PrimitiveCodec.serialize(PrimitiveCodec.encode(request), Serialization.JSON);
            if (inner.length < 270 || inner.length > 330) {
                throw new IllegalStateException("the inner request should be about 300 bytes, is " + inner.length);
            }
            innerResponse = PrimitiveCodec.serialize(
                    PrimitiveCodec.encode(
                            new ResponsePrimitive(
                                    ResponseStatusCode.CREATED,
                                    request.requestId(),
                                    "3",
                                    Map.of(
                                            "m2m:cin",
                                            Map.of(
                                                    "rn", "cin_4ZkQ2b8Xh1",
                                                    "ty", 4L,
                                                    "ri", "cin4ZkQ2b8Xh1",
                                                    "pi", "cntVault01",
                                                    "ct", "20250101T120000",
                                                    "lt", "20250101T120000",
                                                    "cs", 67L,
                                                    "cnf", "application/json:0",
                                                    "con", "{\"t\":21.53,\"h\":48.2,\"p\":1013.25}")),
                                    null,
                                    null),
                            AE),
                    Serialization.JSON);
        }

        /** A fresh receiver and session, established (the first object carried {@code oro}, its answer confirmed it). */
        @Setup(Level.Iteration)
        public void setUpSession() {
            PairwiseKeys keys = (kid, now) ->
                    KID.equals(kid) ? Optional.of(new PairwiseKeys.PairwiseKey(KID, pairwise, AE)) : Optional.empty();
            EsprimReceiver.Settings defaults = EsprimReceiver.Settings.defaults();
            receiver = new EsprimReceiver(
                    keys,
                    new EsprimReceiver.Settings(
                            defaults.randLifetime(),
                            SessionKeys.Input.VALUES,
                            defaults.maxSessions(),
                            defaults.maxSessionsPerKey(),
                            Integer.MAX_VALUE),
                    Clock.systemUTC());
            receiverRand = receiver.randObject();
            originator = new EsprimOriginator(
                    KID,
                    pairwise,
                    receiverRand,
                    PROTOCOL,
                    Duration.ofMinutes(30),
                    SessionKeys.Input.VALUES,
                    Clock.systemUTC());
            answer = roundTripAnswer();
            byte[] plain = originator.open(answer);
            if (!Arrays.equals(plain, innerResponse)) {
                throw new IllegalStateException("the round trip does not give back the response");
            }
        }

        String roundTripAnswer() {
            String epo = originator.seal(inner, EsprimObject.REQUEST_TYPE);
            EsprimReceiver.Opened opened = receiver.open(epo);
            return receiver.sealResponse(opened, innerResponse);
        }
    }

    @Benchmark
    public byte[] baselineJsonSerialize(Session s) {
        return PrimitiveCodec.serialize(PrimitiveCodec.encode(s.request), Serialization.JSON);
    }

    @Benchmark
    public String originatorSeal(Session s) {
        return s.originator.seal(s.inner, EsprimObject.REQUEST_TYPE);
    }

    /**
     * A session of its own and a fresh object sealed per invocation, outside the measurement (Level.Invocation: the
     * steps take µs). Not injected with {@link Session}: JMH gives a helper method its own instance of a dependency.
     */
    @State(Scope.Thread)
    public static class Sealed {
        final Session s = new Session();
        String epo;

        @Setup(Level.Trial)
        public void setUpTrial() {
            s.setUpTrial();
        }

        @Setup(Level.Iteration)
        public void setUpSession() {
            s.setUpSession();
        }

        @Setup(Level.Invocation)
        public void seal() {
            epo = s.originator.seal(s.inner, EsprimObject.REQUEST_TYPE);
        }
    }

    @Benchmark
    public String receiverOpenAndSealResponse(Sealed sealed) {
        EsprimReceiver.Opened opened = sealed.s.receiver.open(sealed.epo);
        return sealed.s.receiver.sealResponse(opened, sealed.s.innerResponse);
    }

    @Benchmark
    public byte[] originatorOpen(Session s) {
        return s.originator.open(s.answer);
    }

    @Benchmark
    public byte[] roundTrip(Session s) {
        return s.originator.open(s.roundTripAnswer());
    }

    @Benchmark
    public byte[] deriveSessionKeyValues(Session s) {
        return SessionKeys.derive(
                s.pairwise, s.receiverRand, s.originator.originatorRand(), SessionKeys.Input.VALUES, 16);
    }

    @Benchmark
    public byte[] deriveSessionKeyObjects(Session s) {
        return SessionKeys.derive(
                s.pairwise, s.receiverRand, s.originator.originatorRand(), SessionKeys.Input.OBJECTS, 16);
    }
}
