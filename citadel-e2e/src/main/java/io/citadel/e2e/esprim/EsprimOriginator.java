package io.citadel.e2e.esprim;

import com.nimbusds.jose.EncryptionMethod;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResponseStatusCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * The originator side of ESPrim towards one receiver (TS-0003 §8.4): the pairwise key, the receiver's rand object
 * (from a {@code sit} 4 answer or its {@code esi.esro}), an originator rand object of its own and the session key of
 * the two. Requests are sealed with {@code oro} until an answer showed the receiver holds the session; answers are
 * accepted only under the same key ID and rand objects, decrypted with the session key (TS-0004 §7.6.2: anything
 * else is discarded). When either rand object has expired, {@link #isExpired} says so and the caller starts again with
 * a fresh receiver rand object.
 */
public final class EsprimOriginator {
    private final String kid;
    private final RandObject receiver;
    private final RandObject originator;
    private final EncryptionMethod enc;
    private final byte[] sessionKey;
    private final Clock clock;
    private volatile boolean confirmed;
    /** Set by {@link #destroy}: the session key is zeroed, nothing may be sealed or opened with it any more. */
    private boolean destroyed;

    private void usable() {
        if (destroyed) {
            throw new IllegalStateException("this ESPrim session has ended");
        }
    }

    /**
     * @param pairwiseKey the pairwise ESPrim key shared with the receiver (not kept)
     * @param lifetime how long the originator rand object may live (the receiver's expiry caps it)
     * @param protocol the protocol-and-AEAD identifier to use (10, 11, 12), one the receiver offers
     */
    public EsprimOriginator(
            String kid,
            byte[] pairwiseKey,
            RandObject receiver,
            int protocol,
            Duration lifetime,
            SessionKeys.Input input,
            Clock clock) {
        this(new PairwiseKeys.PairwiseKey(kid, pairwiseKey, "-"), receiver, protocol, lifetime, input, clock, true);
    }

    /** As above, with the session key derived where {@code pairwise} is (a key vault, or its bytes). */
    public EsprimOriginator(
            PairwiseKeys.PairwiseKey pairwise,
            RandObject receiver,
            int protocol,
            Duration lifetime,
            SessionKeys.Input input,
            Clock clock) {
        this(pairwise, receiver, protocol, lifetime, input, clock, false);
    }

    private EsprimOriginator(
            PairwiseKeys.PairwiseKey pairwise,
            RandObject receiver,
            int protocol,
            Duration lifetime,
            SessionKeys.Input input,
            Clock clock,
            boolean ownCopy) {
        String kid = pairwise.kid();
        if (!receiver.receiver()) {
            throw new IllegalArgumentException("an originator needs the receiver's rand object");
        }
        this.kid = kid;
        this.receiver = receiver;
        this.clock = clock;
        this.enc = EsprimOptions.encryption(protocol)
                .orElseThrow(() -> new IllegalArgumentException("no ESPrim protocol " + protocol));
        if (!receiver.keyGens().contains(EsprimOptions.HMAC_SHA256)) {
            throw new OneM2mException(
                    ResponseStatusCode.ESPRIM_UNSUPPORTED_OPTION, "the receiver offers no key generation known here");
        }
        this.originator = RandObject.newOriginator(receiver, clock.instant().plus(lifetime), protocol);
        try {
            this.sessionKey = SessionKeys.derive(pairwise, receiver, originator, input, EsprimOptions.keyLength(enc));
        } finally {
            if (ownCopy) {
                pairwise.destroy();
            }
        }
    }

    /** True once either rand object has expired (or does within {@code margin}): start again. */
    public boolean isExpired(Duration margin) {
        Instant soon = clock.instant().plus(margin);
        return originator.expiredAt(soon) || receiver.expiredAt(soon);
    }

    /** The ESPrim object of an inner request (its serialization, {@code contentType}). */
    public synchronized String seal(byte[] innerRequest, String contentType) {
        usable();
        return EsprimObject.seal(
                innerRequest,
                sessionKey,
                enc,
                kid,
                originator.id(),
                receiver.id(),
                confirmed ? null : originator,
                contentType);
    }

    /**
     * The inner response of an answer's ESPrim object; refused (4000) when it is not under this session's key ID and
     * rand objects, 4115 when it does not verify.
     */
    public synchronized byte[] open(String answer) {
        usable();
        EsprimObject.Parsed parsed = EsprimObject.parse(answer);
        EsprimObject.Header h = parsed.header();
        if (!kid.equals(h.kid())
                || !originator.id().equals(h.ori())
                || !receiver.id().equals(h.rri())
                || !enc.equals(h.enc())
                || !EsprimObject.RESPONSE_TYPE.equals(h.contentType())) {
            throw new OneM2mException(
                    ResponseStatusCode.BAD_REQUEST, "the answer's ESPrim object is not of this session");
        }
        if (isExpired(Duration.ZERO)) {
            throw new OneM2mException(
                    ResponseStatusCode.ESPRIM_UNKNOWN_ORIG_RAND_ID, "the session's rand objects have expired");
        }
        byte[] plain = EsprimObject.decrypt(parsed, sessionKey);
        confirmed = true;
        return plain;
    }

    /** Overwrites the session key; the originator is unusable after. */
    public synchronized void destroy() {
        destroyed = true;
        Arrays.fill(sessionKey, (byte) 0);
    }

    public RandObject originatorRand() {
        return originator;
    }
}
