package io.citadel.client;

import io.citadel.e2e.esprim.EsprimObject;
import io.citadel.e2e.esprim.EsprimOriginator;
import io.citadel.e2e.esprim.RandObject;
import io.citadel.e2e.esprim.SessionKeys;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.PrimitiveCodec;
import io.citadel.protocol.codec.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * An AE's requests to a CSE through CSEs it does not trust, protected end to end by ESPrim (TS-0003 §8.4): each
 * request travels encrypted in a NOTIFY ({@code m2m:seci} sit 5) to the target's {@code <CSEBase>} over the AE's
 * ordinary hop ({@link OneM2mClient}), and its answer comes back encrypted under the same session key. The receiver
 * rand object comes from a sit 3 NOTIFY; a session lasts as long as both rand objects (then a new one is made); a
 * RETRIEVE refused because the receiver no longer knows the session (4113, 4114) is sent once more in a new one. An
 * answer outside the protection is an {@link OuterFailure}, never a response; a sealed answer must carry the
 * request's {@code rqi}. The pairwise key is the one
 * the CSE's operator issued for this AE ({@code citadel credentials esprim add}); it is kept only as long as the
 * client, zeroed by {@link #close()}.
 */
public final class EsprimClient implements AutoCloseable {
    private final OneM2mClient hop;
    private final String target;
    private final String innerFrom;
    private String kid;
    private byte[] pairwiseKey;
    /** A new pairwise key when the receiver no longer knows this one (4112), or null: the key is configured. */
    private final java.util.function.Supplier<io.citadel.e2e.escertke.EsCertKe.PairwiseKey> rekey;

    private final SessionKeys.Input input;
    private final Duration lifetime;
    private EsprimOriginator session;

    /**
     * @param hop the AE's client towards its own CSE (its originator is the inner and the outer {@code From})
     * @param targetCseBase the {@code <CSEBase>} the requests are for, as the hop can address it (e.g.
     *     {@code /id-in/cse-in}, or {@code //sp/id-in/cse-in} from another SP)
     * @param innerFrom the AE's ID as the target CSE knows it (SP-relative, e.g. {@code /id-mn/Cae1}): the inner
     *     {@code From}, which must be the identity the pairwise key is bound to
     */
    public EsprimClient(
            OneM2mClient hop,
            String targetCseBase,
            String innerFrom,
            String kid,
            byte[] pairwiseKey,
            SessionKeys.Input input) {
        this(hop, targetCseBase, innerFrom, kid, pairwiseKey, input, null);
    }

    private EsprimClient(
            OneM2mClient hop,
            String targetCseBase,
            String innerFrom,
            String kid,
            byte[] pairwiseKey,
            SessionKeys.Input input,
            java.util.function.Supplier<io.citadel.e2e.escertke.EsCertKe.PairwiseKey> rekey) {
        this.rekey = rekey;
        this.hop = hop;
        this.target = targetCseBase;
        this.innerFrom = innerFrom;
        this.kid = kid;
        this.pairwiseKey = pairwiseKey.clone();
        this.input = input;
        this.lifetime = Duration.ofMinutes(30);
    }

    /**
     * As the constructor, with a pairwise key agreed with the target CSE by ESCertKE ({@link EsCertKeClient}, SUID
     * 43) now; when the target no longer knows the key (4112: it restarted, or the key's lifetime ended) a new one is
     * agreed, and a RETRIEVE is sent once more with it.
     *
     * @param terminator the certificate the target CSE must prove (pinned, from configuration)
     */
    public static EsprimClient overEsCertKe(
            OneM2mClient hop,
            String targetCseBase,
            String innerFrom,
            io.citadel.e2e.escertke.EsCertKe.Credential own,
            java.security.cert.X509Certificate terminator,
            SessionKeys.Input input) {
        java.util.function.Supplier<io.citadel.e2e.escertke.EsCertKe.PairwiseKey> agree =
                () -> EsCertKeClient.establish(hop, targetCseBase, own, terminator);
        io.citadel.e2e.escertke.EsCertKe.PairwiseKey first = agree.get();
        try {
            return new EsprimClient(hop, targetCseBase, innerFrom, first.relativeId(), first.key(), input, agree);
        } finally {
            first.destroy();
        }
    }

    /**
     * Sends {@code op} to {@code to} (at the target CSE) end to end; the answer of the target CSE. Refusals of the
     * outer NOTIFY (by a transit CSE, or the receiver's ESPrim checks) come back as they are.
     */
    public synchronized ResponsePrimitive send(
            Operation op, String to, java.util.function.UnaryOperator<RequestPrimitive.Builder> details) {
        RequestPrimitive inner = details.apply(RequestPrimitive.builder(op, to)
                        .from(innerFrom)
                        .requestId("e2e" + System.nanoTime())
                        .releaseVersion("3"))
                .build();
        byte[] json = PrimitiveCodec.serialize(PrimitiveCodec.encode(inner), Serialization.JSON);
        ResponsePrimitive outer = exchange(json);
        if (outer.status() == ResponseStatusCode.ESPRIM_UNKNOWN_KEY_ID && rekey != null && rekeyAllowed()) {
            // not authenticated either: a new key costs a handshake (at most one every REKEY_PAUSE), and only a
            // RETRIEVE is sent again
            replaceKey();
            if (op == Operation.RETRIEVE) {
                outer = exchange(json);
            }
        }
        if (op == Operation.RETRIEVE
                && (outer.status() == ResponseStatusCode.ESPRIM_UNKNOWN_ORIG_RAND_ID
                        || outer.status() == ResponseStatusCode.ESPRIM_UNKNOWN_RECV_RAND_ID)) {
            // the receiver forgot the session or rotated its rand object: once more, afresh. Only a RETRIEVE: that
            // answer is not authenticated, and a relay that delivered a CREATE could fake it to have it run twice
            drop();
            outer = exchange(json);
        }
        if (outer.status() != ResponseStatusCode.OK) {
            if (outer.status() == ResponseStatusCode.ESPRIM_UNKNOWN_ORIG_RAND_ID
                    || outer.status() == ResponseStatusCode.ESPRIM_UNKNOWN_RECV_RAND_ID) {
                drop(); // the next request begins a new session
            }
            throw new OuterFailure(outer.status());
        }
        if (!(outer.content() instanceof Map<?, ?> c)
                || !(c.get("m2m:seci") instanceof Map<?, ?> seci)
                || !(seci.get("sit") instanceof Number n)
                || n.intValue() != 5
                || !(seci.get("epo") instanceof String epo)) {
            throw new OneM2mException(ResponseStatusCode.BAD_REQUEST, "the answer carries no ESPrim object");
        }
        byte[] answer = session.open(epo);
        ResponsePrimitive response = PrimitiveCodec.decodeResponse(PrimitiveCodec.document(answer, Serialization.JSON));
        if (!inner.requestId().equals(response.requestId())) { // an earlier answer of the session, replayed
            throw new OneM2mException(
                    ResponseStatusCode.BAD_REQUEST, "the sealed answer is not the answer to this request (rqi)");
        }
        return response;
    }

    /**
     * The outer NOTIFY was not answered with a sealed answer: by a transit CSE, or by the receiver's ESPrim checks. Its
     * status is not authenticated (any CSE on the way could have made it), so it is never taken for the target's
     * answer to the inner request.
     */
    public static final class OuterFailure extends OneM2mException {
        private static final long serialVersionUID = 1L;

        OuterFailure(ResponseStatusCode status) {
            super(
                    status,
                    "the end-to-end exchange was answered " + status.code()
                            + " outside its protection (by a CSE on the way or the target's ESPrim checks)");
        }
    }

    private ResponsePrimitive exchange(byte[] json) {
        EsprimOriginator s = session();
        String epo = s.seal(json, EsprimObject.REQUEST_TYPE);
        return hop.send(Operation.NOTIFY, target, b -> b.content(Map.of("m2m:seci", Map.of("sit", 5L, "epo", epo))));
    }

    /** The session, begun (a sit 3 exchange for the receiver rand object) when there is none or it expires soon. */
    private EsprimOriginator session() {
        if (session != null && !session.isExpired(Duration.ofSeconds(30))) {
            return session;
        }
        drop();
        ResponsePrimitive r = hop.send(Operation.NOTIFY, target, b -> b.content(Map.of("m2m:seci", Map.of("sit", 3L))));
        if (r.status() != ResponseStatusCode.OK) {
            throw new OuterFailure(r.status());
        }
        if (r.status() != ResponseStatusCode.OK
                || !(r.content() instanceof Map<?, ?> c)
                || !(c.get("m2m:seci") instanceof Map<?, ?> seci)
                || seci.get("ero") == null) {
            throw new OneM2mException(
                    r.status() == ResponseStatusCode.OK ? ResponseStatusCode.BAD_REQUEST : r.status(),
                    "the target CSE gave no receiver rand object");
        }
        RandObject receiver = RandObject.parse(seci.get("ero"), true);
        int protocol =
                receiver.protocols().contains(10) ? 10 : receiver.protocols().get(0);
        session = new EsprimOriginator(kid, pairwiseKey, receiver, protocol, lifetime, input, Clock.systemUTC());
        return session;
    }

    /** The least time between two keys agreed because of a 4112 (which anyone on the way could fake). */
    private static final Duration REKEY_PAUSE = Duration.ofSeconds(5);

    private java.time.Instant lastRekey = java.time.Instant.MIN;

    private boolean rekeyAllowed() {
        java.time.Instant now = java.time.Instant.now();
        if (lastRekey.plus(REKEY_PAUSE).isAfter(now)) {
            return false;
        }
        lastRekey = now;
        return true;
    }

    /** The pairwise key's ID now in use (not secret; it changes when a new key is agreed). */
    public synchronized String keyId() {
        return kid;
    }

    private void replaceKey() {
        io.citadel.e2e.escertke.EsCertKe.PairwiseKey fresh = rekey.get();
        try {
            drop();
            Arrays.fill(pairwiseKey, (byte) 0);
            kid = fresh.relativeId();
            pairwiseKey = fresh.key().clone();
        } finally {
            fresh.destroy();
        }
    }

    private void drop() {
        if (session != null) {
            session.destroy();
            session = null;
        }
    }

    @Override
    public synchronized void close() {
        drop();
        Arrays.fill(pairwiseKey, (byte) 0);
    }
}
