package io.citadel.engine.e2e;

import io.citadel.e2e.esprim.EsprimObject;
import io.citadel.e2e.esprim.EsprimOriginator;
import io.citadel.e2e.esprim.PairwiseKeys;
import io.citadel.e2e.esprim.RandObject;
import io.citadel.e2e.esprim.SessionKeys;
import io.citadel.engine.resources.Ids;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.PrimitiveCodec;
import io.citadel.protocol.codec.Serialization;
import io.citadel.security.OriginatorIds;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * This CSE as an ESPrim originator (TS-0003 §8.4, TS-0004 §7.6.2): a request of its own to an entity it shares a
 * pairwise key with travels sealed in a NOTIFY ({@code m2m:seci} sit 5) through the CSEs on the way, and the answer
 * comes back sealed. The receiver rand object comes from a sit 3 NOTIFY to the same entity; a session lasts as long as
 * both rand objects (then a new one begins); a session the receiver no longer knows (4113, 4114) is dropped. Sessions
 * are kept per entity and key (at most {@value #MAX_SESSIONS}, the oldest gives way), their keys zeroed when they go.
 */
public final class EsprimSender implements AutoCloseable {
    static final int MAX_SESSIONS = 256;

    private final PairwiseKeys keys;
    private final OriginatorIds ids;
    private final String cseId;
    private final SessionKeys.Input input;
    private final Clock clock;
    private final Map<String, EsprimOriginator> sessions = new LinkedHashMap<>();

    public EsprimSender(PairwiseKeys keys, OriginatorIds ids, String cseId, SessionKeys.Input input, Clock clock) {
        this.keys = keys;
        this.ids = ids;
        this.cseId = cseId;
        this.input = input;
        this.clock = clock;
    }

    /** The pairwise key this CSE shares with the entity {@code target} names (an AE-ID or CSE-ID), if any. */
    public Optional<PairwiseKeys.PairwiseKey> keyFor(String target) {
        String wanted = ids.normalize(target);
        return keys.findFor(identity -> ids.normalize(identity).equals(wanted), clock.instant());
    }

    /**
     * Sends {@code inner} (a request of this CSE's, for the entity {@code key} is bound to) sealed under {@code key},
     * each outer NOTIFY through {@code transport}. Completes with the inner answer, or with the outer answer when it
     * carries none (a refusal by a CSE on the way or by the receiver's ESPrim checks: not authenticated).
     */
    public CompletableFuture<ResponsePrimitive> send(
            PairwiseKeys.PairwiseKey key,
            RequestPrimitive inner,
            Function<RequestPrimitive, CompletableFuture<ResponsePrimitive>> transport) {
        String to = inner.to();
        return session(to, key, transport).thenCompose(begun -> {
            if (begun.session() == null) {
                return CompletableFuture.completedFuture(begun.refusal());
            }
            EsprimOriginator s = begun.session();
            byte[] json = PrimitiveCodec.serialize(PrimitiveCodec.encode(inner), Serialization.JSON);
            String epo = s.seal(json, EsprimObject.REQUEST_TYPE);
            return transport.apply(outer(to, Map.of("sit", 5L, "epo", epo))).thenApply(answer -> {
                if (answer.status() == ResponseStatusCode.ESPRIM_UNKNOWN_ORIG_RAND_ID
                        || answer.status() == ResponseStatusCode.ESPRIM_UNKNOWN_RECV_RAND_ID) {
                    drop(sessionId(to, key));
                }
                if (answer.status() != ResponseStatusCode.OK) {
                    return unsealed(answer);
                }
                return opened(s, inner, answer);
            });
        });
    }

    /** A session begun, or the answer that refused to begin one. */
    private record Begun(EsprimOriginator session, ResponsePrimitive refusal) {}

    /**
     * An answer outside the protection: a refusal stays one (by a CSE on the way or the receiver's checks: not
     * authenticated either way); a success is not believed (only a sealed answer can say the request succeeded).
     */
    private static ResponsePrimitive unsealed(ResponsePrimitive answer) {
        if (!answer.status().isSuccess()) {
            return answer;
        }
        return ResponsePrimitive.error(
                ResponseStatusCode.BAD_REQUEST,
                null,
                "3",
                "answered " + answer.status().code() + " outside ESPrim");
    }

    private ResponsePrimitive opened(EsprimOriginator s, RequestPrimitive inner, ResponsePrimitive answer) {
        if (!(answer.content() instanceof Map<?, ?> c)
                || !(c.get("m2m:seci") instanceof Map<?, ?> seci)
                || !(seci.get("sit") instanceof Number n)
                || n.intValue() != 5
                || !(seci.get("epo") instanceof String epo)) {
            return ResponsePrimitive.error(
                    ResponseStatusCode.BAD_REQUEST, null, "3", "the answer carries no ESPrim object");
        }
        try {
            ResponsePrimitive response =
                    PrimitiveCodec.decodeResponse(PrimitiveCodec.document(s.open(epo), Serialization.JSON));
            if (!inner.requestId().equals(response.requestId())) {
                return ResponsePrimitive.error(
                        ResponseStatusCode.BAD_REQUEST,
                        null,
                        "3",
                        "the sealed answer is not the answer to this request");
            }
            return response;
        } catch (OneM2mException e) {
            return ResponsePrimitive.error(e.status(), null, "3", e.getMessage());
        } catch (RuntimeException e) {
            return ResponsePrimitive.error(
                    ResponseStatusCode.ESPRIM_DECRYPTION_ERROR, null, "3", "the sealed answer could not be opened");
        }
    }

    /** The session with {@code to} under {@code key}; begun with a sit 3 exchange when there is none that lasts. */
    private CompletableFuture<Begun> session(
            String to,
            PairwiseKeys.PairwiseKey key,
            Function<RequestPrimitive, CompletableFuture<ResponsePrimitive>> transport) {
        String id = sessionId(to, key);
        synchronized (this) {
            EsprimOriginator s = sessions.get(id);
            if (s != null && !s.isExpired(Duration.ofSeconds(30))) {
                return CompletableFuture.completedFuture(new Begun(s, null));
            }
            drop(id);
        }
        return transport.apply(outer(to, Map.of("sit", 3L))).thenApply(r -> {
            if (r.status() != ResponseStatusCode.OK
                    || !(r.content() instanceof Map<?, ?> c)
                    || !(c.get("m2m:seci") instanceof Map<?, ?> seci)
                    || seci.get("ero") == null) {
                return new Begun(
                        null,
                        r.status() != ResponseStatusCode.OK
                                ? unsealed(r)
                                : ResponsePrimitive.error(
                                        ResponseStatusCode.BAD_REQUEST,
                                        null,
                                        "3",
                                        "the receiver gave no ESPrim receiver rand object"));
            }
            try {
                RandObject receiver = RandObject.parse(seci.get("ero"), true);
                int protocol = receiver.protocols().contains(10)
                        ? 10
                        : receiver.protocols().get(0);
                EsprimOriginator s =
                        new EsprimOriginator(key, receiver, protocol, Duration.ofMinutes(30), input, clock);
                synchronized (this) {
                    while (sessions.size() >= MAX_SESSIONS) {
                        drop(sessions.keySet().iterator().next());
                    }
                    EsprimOriginator old = sessions.put(id, s);
                    if (old != null) {
                        old.destroy();
                    }
                }
                return new Begun(s, null);
            } catch (RuntimeException e) {
                return new Begun(
                        null,
                        ResponsePrimitive.error(
                                ResponseStatusCode.ESPRIM_UNSUPPORTED_OPTION,
                                null,
                                "3",
                                "the receiver's rand object is not usable here"));
            }
        });
    }

    private static String sessionId(String to, PairwiseKeys.PairwiseKey key) {
        return to + "\n" + key.kid();
    }

    private synchronized void drop(String id) {
        EsprimOriginator s = sessions.remove(id);
        if (s != null) {
            s.destroy();
        }
    }

    private RequestPrimitive outer(String to, Map<String, Object> seci) {
        return RequestPrimitive.builder(Operation.NOTIFY, to)
                .from(cseId)
                .requestId(Ids.next("e2e"))
                .releaseVersion("3")
                .content(Map.of("m2m:seci", seci))
                .build();
    }

    /** Zeroes every session key. */
    @Override
    public synchronized void close() {
        sessions.values().forEach(EsprimOriginator::destroy);
        sessions.clear();
    }
}
