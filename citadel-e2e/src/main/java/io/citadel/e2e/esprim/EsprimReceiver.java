package io.citadel.e2e.esprim;

import com.nimbusds.jose.EncryptionMethod;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResponseStatusCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The receiver side of ESPrim (TS-0003 §8.4, TS-0004 §7.6.2) for one entity (a CSE, an AE): its receiver rand object
 * (one, shared by all originators, as {@code esi.esro} and the answer to {@code sit} 3; replaced when half its life is
 * over, the previous one honoured until it expires), the sessions it accepted (pairwise key, both rand objects, the
 * session key) and the checks of every object in their order and with their codes: unknown key 4112, unknown or
 * expired receiver rand object 4114, unknown originator rand object without {@code oro} or an expired or
 * unacceptable one 4113, an option either side does not offer 4111, a tag that does not verify 4115. A session is
 * kept only once an object under it decrypted, so only holders of a pairwise key can fill the table.
 *
 * <p>Replay (digest §17, Citadel's): each session remembers the IVs it accepted; a repeated one is 4113 (the object
 * is not fresh under its originator rand object). Bounded: at most {@link Settings#maxObjectsPerSession} objects per
 * session (then 4113: the originator makes a new rand object), {@link Settings#maxSessionsPerKey} live sessions per
 * pairwise key and {@link Settings#maxSessions} in all (then 4113 until some expire). A full table refuses rather
 * than forgets: a forgotten session would let its objects be replayed with their {@code oro}.
 */
public final class EsprimReceiver {
    /**
     * @param randLifetime how long a receiver rand object is valid
     * @param input how rand objects enter the session key ({@link SessionKeys.Input})
     */
    public record Settings(
            Duration randLifetime,
            SessionKeys.Input input,
            int maxSessions,
            int maxSessionsPerKey,
            int maxObjectsPerSession) {
        public static Settings defaults() {
            return new Settings(Duration.ofHours(1), SessionKeys.Input.VALUES, 10_000, 16, 10_000);
        }

        public Settings withInput(SessionKeys.Input i) {
            return new Settings(randLifetime, i, maxSessions, maxSessionsPerKey, maxObjectsPerSession);
        }
    }

    /** An object opened: the inner primitive, its media type, who it is from, and what the answer is sealed with. */
    public static final class Opened {
        private final byte[] plaintext;
        private final String contentType;
        private final String identity;
        private final Session session;
        private final EncryptionMethod enc;
        /** The session key, for this object's answer only (zeroed once it is sealed). */
        private final byte[] key;

        private final int suid;

        private Opened(
                byte[] plaintext,
                String contentType,
                String identity,
                Session session,
                EncryptionMethod enc,
                byte[] key,
                int suid) {
            this.suid = suid;
            this.plaintext = plaintext;
            this.contentType = contentType;
            this.identity = identity;
            this.session = session;
            this.enc = enc;
            this.key = key;
        }

        public byte[] plaintext() {
            return plaintext.clone();
        }

        /** The inner primitive's media type ({@code cty}), or null. */
        public String contentType() {
            return contentType;
        }

        /** The identity the pairwise key is bound to: the only {@code From} the inner request may carry. */
        public String identity() {
            return identity;
        }

        public String keyId() {
            return session.kid;
        }

        /** The SUID of the pairwise key (13, 23 or 43): the kind of credential the originator proved. */
        public int suid() {
            return suid;
        }

        /** Overwrites this object's copy of the session key, when no answer will be sealed (a refusal after opening). */
        public void discard() {
            Arrays.fill(key, (byte) 0);
        }
    }

    private record SessionId(String kid, String ori, String rri) {}

    private static final class Session {
        final String kid;
        final RandObject receiver;
        final RandObject originator;
        final byte[] key;
        /** The identity and the pairwise key (fingerprint) it began with: a re-bound or re-keyed kid ends it. */
        final String identity;

        final byte[] keyFingerprint;
        final Set<String> ivs = new LinkedHashSet<>();

        Session(
                String kid,
                RandObject receiver,
                RandObject originator,
                byte[] key,
                String identity,
                byte[] keyFingerprint) {
            this.kid = kid;
            this.receiver = receiver;
            this.originator = originator;
            this.key = key;
            this.identity = identity;
            this.keyFingerprint = keyFingerprint;
        }

        boolean sameKey(PairwiseKeys.PairwiseKey k) {
            return identity.equals(k.identity()) && Arrays.equals(keyFingerprint, k.fingerprint());
        }

        Instant expires() {
            return originator.expires();
        }
    }

    private final PairwiseKeys keys;
    private final Settings settings;
    private final Clock clock;
    private RandObject current;
    private RandObject previous;
    private final Map<SessionId, Session> sessions = new LinkedHashMap<>();
    private final Map<String, Integer> perKey = new java.util.HashMap<>();

    public EsprimReceiver(PairwiseKeys keys, Settings settings, Clock clock) {
        this.keys = keys;
        this.settings = settings;
        this.clock = clock;
    }

    /** The receiver rand object to give originators now (made or replaced when due). */
    public synchronized RandObject randObject() {
        Instant now = clock.instant();
        if (current == null
                || !current.expires()
                        .minus(settings.randLifetime().dividedBy(2))
                        .isAfter(now)) {
            previous = current;
            current = RandObject.newReceiver(now.plus(settings.randLifetime()), EsprimOptions.PROTOCOLS);
        }
        return current;
    }

    /** Opens an ESPrim object (the {@code epo} of a {@code sit} 5 NOTIFY); the refusals as above. */
    public Opened open(String compact) {
        EsprimObject.Parsed parsed = EsprimObject.parse(compact);
        EsprimObject.Header h = parsed.header();
        Instant now = clock.instant();
        PairwiseKeys.PairwiseKey pairwise = keys.find(h.kid(), now)
                .orElseThrow(() -> new OneM2mException(
                        ResponseStatusCode.ESPRIM_UNKNOWN_KEY_ID, "no valid pairwise ESPrim key of this kid"));
        try {
            return open(parsed, h, pairwise, now);
        } finally {
            pairwise.destroy();
        }
    }

    private Opened open(
            EsprimObject.Parsed parsed, EsprimObject.Header h, PairwiseKeys.PairwiseKey pairwise, Instant now) {
        int protocol = EsprimOptions.protocol(h.enc()).orElseThrow();
        SessionId id = new SessionId(h.kid(), h.ori(), h.rri());
        Session known;
        RandObject receiver;
        byte[] key = null;
        synchronized (this) {
            receiver = receiverObject(h.rri(), now);
            known = sessions.get(id);
            if (known != null && (!known.expires().isAfter(now) || !known.sameKey(pairwise))) {
                forget(id, known); // expired, or its kid was re-bound or re-keyed since: it proves nothing more
                known = null;
            }
            if (known != null) {
                key = known.key.clone(); // under the lock: the session may expire and be zeroed after
            }
        }
        if (!receiver.protocols().contains(protocol)) {
            wipe(key);
            throw unsupported("enc is not one the receiver rand object offers");
        }
        Session session = known != null ? known : newSession(h, pairwise, receiver, now);
        if (key == null) {
            key = session.key.clone();
        }
        if (!session.originator.protocols().contains(protocol)) {
            wipe(key);
            throw unsupported("enc is not one the originator rand object offers");
        }
        byte[] plaintext;
        try {
            plaintext = EsprimObject.decrypt(parsed, key);
        } catch (RuntimeException e) {
            wipe(key);
            if (known == null) { // a new session is kept only when an object under it decrypted
                Arrays.fill(session.key, (byte) 0);
            }
            throw e;
        }
        synchronized (this) {
            Session stored = known != null ? known : admit(id, session);
            if (stored.ivs.size() >= settings.maxObjectsPerSession()) {
                wipe(key);
                throw stale("this originator rand object protected as many objects as it may; make a new one");
            }
            if (!stored.ivs.add(parsed.iv())) {
                wipe(key);
                throw stale("this ESPrim object was accepted before (a replay)");
            }
            return new Opened(plaintext, h.contentType(), pairwise.identity(), stored, h.enc(), key, pairwise.suid());
        }
    }

    private static void wipe(byte[] key) {
        if (key != null) {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Seals the inner response to {@code opened} under the same session key (the receiver's answer); once per opened
     * object.
     */
    public String sealResponse(Opened opened, byte[] response) {
        Session s = opened.session;
        try {
            return EsprimObject.seal(
                    response,
                    opened.key,
                    opened.enc,
                    s.kid,
                    s.originator.id(),
                    s.receiver.id(),
                    null,
                    EsprimObject.RESPONSE_TYPE);
        } finally {
            Arrays.fill(opened.key, (byte) 0); // one answer per object
        }
    }

    /** The receiver rand object {@code rri} names, if it is one of ours and valid; else 4114. */
    private RandObject receiverObject(String rri, Instant now) {
        for (RandObject r : new RandObject[] {current, previous}) {
            if (r != null && r.id().equals(rri)) {
                if (r.expiredAt(now)) {
                    break;
                }
                return r;
            }
        }
        throw new OneM2mException(
                ResponseStatusCode.ESPRIM_UNKNOWN_RECV_RAND_ID, "no valid receiver rand object of this rri");
    }

    private Session newSession(
            EsprimObject.Header h, PairwiseKeys.PairwiseKey pairwise, RandObject receiver, Instant now) {
        if (h.oro() == null) {
            throw new OneM2mException(
                    ResponseStatusCode.ESPRIM_UNKNOWN_ORIG_RAND_ID,
                    "no originator rand object of this ori is known, and the object carries none (oro)");
        }
        RandObject originator = RandObject.parse(h.oro(), false);
        if (!originator.id().equals(h.ori())) {
            throw new OneM2mException(ResponseStatusCode.BAD_REQUEST, "oro is not the rand object ori names");
        }
        if (originator.expiredAt(now) || originator.expires().isAfter(receiver.expires())) {
            throw new OneM2mException(
                    ResponseStatusCode.ESPRIM_UNKNOWN_ORIG_RAND_ID,
                    "the originator rand object has expired or outlives the receiver's");
        }
        if (!receiver.keyGens().containsAll(originator.keyGens())) {
            throw unsupported("the originator's key-generation algorithm is not one the receiver offers");
        }
        if (!receiver.protocols().containsAll(originator.protocols())) {
            throw unsupported("the originator rand object offers what the receiver's does not");
        }
        return new Session(
                h.kid(),
                receiver,
                originator,
                SessionKeys.derive(pairwise, receiver, originator, settings.input(), EsprimOptions.keyLength(h.enc())),
                pairwise.identity(),
                pairwise.fingerprint());
    }

    /**
     * Keeps a new session, within the bounds (expired ones go first); under the lock. The session kept: another
     * thread's, when it opened the same one meanwhile (so that both objects' IVs are checked against one set).
     */
    private Session admit(SessionId id, Session s) {
        Session raced = sessions.get(id);
        if (raced != null) {
            Arrays.fill(s.key, (byte) 0);
            return raced;
        }
        Instant now = clock.instant();
        if (sessions.size() >= settings.maxSessions()
                || perKey.getOrDefault(id.kid(), 0) >= settings.maxSessionsPerKey()) {
            purgeExpired(now);
        }
        if (sessions.size() >= settings.maxSessions()) {
            Arrays.fill(s.key, (byte) 0);
            throw stale("the receiver holds as many ESPrim sessions as it may; retry when some have expired");
        }
        if (perKey.getOrDefault(id.kid(), 0) >= settings.maxSessionsPerKey()) {
            Arrays.fill(s.key, (byte) 0);
            throw stale("this pairwise key has as many live originator rand objects as it may; reuse one");
        }
        sessions.put(id, s);
        perKey.merge(id.kid(), 1, Integer::sum);
        return s;
    }

    private void purgeExpired(Instant now) {
        for (Iterator<Map.Entry<SessionId, Session>> it = sessions.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<SessionId, Session> e = it.next();
            if (!e.getValue().expires().isAfter(now)) {
                it.remove();
                release(e.getKey(), e.getValue());
            }
        }
    }

    private void forget(SessionId id, Session s) {
        sessions.remove(id);
        release(id, s);
    }

    private void release(SessionId id, Session s) {
        Arrays.fill(s.key, (byte) 0);
        perKey.computeIfPresent(id.kid(), (k, n) -> n <= 1 ? null : n - 1);
    }

    private static OneM2mException unsupported(String why) {
        return new OneM2mException(ResponseStatusCode.ESPRIM_UNSUPPORTED_OPTION, why);
    }

    private static OneM2mException stale(String why) {
        return new OneM2mException(ResponseStatusCode.ESPRIM_UNKNOWN_ORIG_RAND_ID, why);
    }
}
