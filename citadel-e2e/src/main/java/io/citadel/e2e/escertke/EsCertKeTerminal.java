package io.citadel.e2e.escertke;

import io.citadel.e2e.esprim.PairwiseKeys;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The terminator's side of ESCertKE for many initiators (TS-0003 §8.7, digest §10): each initiator's M1 (a ClientHello)
 * begins a handshake kept for that initiator until its M3 arrives; M3 completes it, and the pairwise key it agreed is
 * kept for ESPrim (SUID 43), bound to the identity configured for the admitted certificate the handshake proved, never
 * to the initiator's {@code From}. The initiator is named by the caller ({@code peer}: the outer request's originator)
 * only to find its handshake (a new M1 from the same peer replaces one under way), and so is the hop it came over
 * ({@code hop}: the association or address of the last link), only to share out the room for handshakes.
 *
 * <p>Bounds: at most {@link Settings#maxHandshakes} handshakes under way, {@link Settings#maxHandshakesPerHop} over one
 * hop, each for {@link Settings#handshakeTimeout}; when full, a new M1 is refused ({@link EsCertKeException.Kind#BUSY})
 * and the handshakes under way go on, so no sender can push out another's. At most {@link Settings#maxKeys} keys,
 * {@link Settings#keysPerIdentity} per identity (the least recently used gives way and is zeroed). A key lasts
 * {@link Settings#keyLifetime} and never beyond its certificate's validity, and goes as soon as the certificate is
 * revoked ({@code revoked}). Expired keys are swept (and zeroed) at most once a second on use. The TLS work runs
 * outside the lock, so one slow handshake does not hold the others.
 */
public final class EsCertKeTerminal implements PairwiseKeys, AutoCloseable {

    /** The longest a key agreed by ESCertKE may be kept. */
    public static final Duration MAX_KEY_LIFETIME = Duration.ofDays(7);

    /** How many handshakes and keys are kept and for how long. */
    public record Settings(
            Duration handshakeTimeout,
            int maxHandshakes,
            int maxHandshakesPerHop,
            Duration keyLifetime,
            int maxKeys,
            int keysPerIdentity) {
        public Settings {
            if (handshakeTimeout.isNegative()
                    || handshakeTimeout.isZero()
                    || handshakeTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("an ESCertKE handshake times out after 1 s to 5 min");
            }
            if (keyLifetime.isNegative() || keyLifetime.isZero() || keyLifetime.compareTo(MAX_KEY_LIFETIME) > 0) {
                throw new IllegalArgumentException(
                        "an ESCertKE key lives for more than 0 and at most " + MAX_KEY_LIFETIME.toDays() + " days");
            }
            if (maxHandshakes < 1 || maxHandshakesPerHop < 1 || maxKeys < 1 || keysPerIdentity < 1) {
                throw new IllegalArgumentException("ESCertKE bounds are positive");
            }
        }

        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(30), 64, 8, Duration.ofHours(24), 1024, 4);
        }

        public Settings withKeyLifetime(Duration lifetime) {
            return new Settings(
                    handshakeTimeout, maxHandshakes, maxHandshakesPerHop, lifetime, maxKeys, keysPerIdentity);
        }

        public Settings withKeysPerIdentity(int keys) {
            return new Settings(handshakeTimeout, maxHandshakes, maxHandshakesPerHop, keyLifetime, maxKeys, keys);
        }
    }

    /** The SUID of a pairwise key agreed by ESCertKE and used for ESPrim (certificate-based, ESPrim). */
    public static final int SUID = 43;

    private record Pending(EsCertKe.Terminator terminator, String hop, Instant expires) {}

    private final EsCertKe.Credential own;
    private final List<X509Certificate> admitted;
    /** Fingerprint (SHA-256 of the DER, hex) of each admitted certificate → the identity it stands for. */
    private final Map<String, String> identities;

    private final Settings settings;
    private final Clock clock;
    private final Predicate<X509Certificate> revoked;
    private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();
    /** In the order of use (least recently used first). */
    private final LinkedHashMap<String, Established> keys = new LinkedHashMap<>(16, 0.75f, true);

    private Instant nextSweep = Instant.MIN;

    /**
     * @param own this end's certificate and key (P-256)
     * @param admitted each admitted initiator's certificate and the identity (AE-ID or CSE-ID, as the receiver compares
     *     originators) its keys are bound to
     * @param revoked whether a certificate is revoked now (asked at M3 and on every use of a key)
     */
    public EsCertKeTerminal(
            EsCertKe.Credential own,
            Map<X509Certificate, String> admitted,
            Settings settings,
            Clock clock,
            Predicate<X509Certificate> revoked) {
        if (admitted.isEmpty()) {
            throw new IllegalArgumentException("an ESCertKE terminator admits at least one initiator");
        }
        this.own = Objects.requireNonNull(own, "own");
        this.admitted = List.copyOf(admitted.keySet());
        Map<String, String> ids = new LinkedHashMap<>();
        admitted.forEach((cert, identity) -> {
            if (identity == null || identity.isBlank()) {
                throw new IllegalArgumentException("an admitted ESCertKE initiator is bound to an identity");
            }
            if (ids.put(fingerprint(cert), identity) != null) {
                throw new IllegalArgumentException("a certificate is admitted twice");
            }
        });
        this.identities = Map.copyOf(ids);
        this.settings = settings;
        this.clock = clock;
        this.revoked = Objects.requireNonNull(revoked, "revoked");
    }

    /** A terminator that consults no revocation list. */
    public EsCertKeTerminal(
            EsCertKe.Credential own, Map<X509Certificate, String> admitted, Settings settings, Clock clock) {
        this(own, admitted, settings, clock, c -> false);
    }

    /**
     * The answer to one message of {@code peer}'s, arrived over {@code hop}: M2 for an M1, M4 for an M3 (the key is
     * then kept).
     *
     * @throws EsCertKeException {@link EsCertKeException.Kind#OUT_OF_SEQUENCE} for a message that is not an M1 when no
     *     handshake of {@code peer}'s is under way; {@link EsCertKeException.Kind#BUSY} for an M1 when there is no room
     *     for another handshake (overall or over {@code hop}); {@link EsCertKeException.Kind#HANDSHAKE} when the
     *     handshake fails (it is then over)
     */
    public byte[] receive(String peer, String hop, byte[] message) {
        if (message == null || message.length == 0 || message.length > EsCertKe.MAX_MESSAGE) {
            throw new EsCertKeException(
                    EsCertKeException.Kind.OUT_OF_SEQUENCE,
                    "an ESCertKE message is 1 to " + EsCertKe.MAX_MESSAGE + " bytes");
        }
        return isClientHello(message) ? begin(peer, hop, message) : complete(peer, message);
    }

    private byte[] begin(String peer, String hop, byte[] m1) {
        Instant now = clock.instant();
        synchronized (this) {
            pending.remove(peer); // a new M1 replaces the peer's own handshake under way
            expire(now);
            long overHop =
                    pending.values().stream().filter(p -> p.hop().equals(hop)).count();
            if (pending.size() >= settings.maxHandshakes() || overHop >= settings.maxHandshakesPerHop()) {
                throw new EsCertKeException(
                        EsCertKeException.Kind.BUSY, "too many ESCertKE handshakes are under way; retry later");
            }
            // the room is taken now, before the TLS work; the terminator is set once it answered
            pending.put(peer, new Pending(null, hop, now.plus(settings.handshakeTimeout())));
        }
        EsCertKe.Terminator terminator = new EsCertKe.Terminator(own, admitted);
        byte[] m2;
        try {
            m2 = terminator.respond(m1);
        } catch (RuntimeException e) {
            synchronized (this) {
                pending.remove(peer);
            }
            throw e;
        }
        synchronized (this) {
            Pending held = pending.get(peer);
            if (held != null && held.terminator() == null) {
                pending.put(peer, new Pending(terminator, hop, held.expires()));
            }
        }
        return m2;
    }

    private byte[] complete(String peer, byte[] m3) {
        Pending p;
        Instant now = clock.instant();
        synchronized (this) {
            p = pending.get(peer);
            if (p != null && p.terminator() != null) {
                pending.remove(peer);
            } else {
                p = null;
            }
        }
        if (p == null || !now.isBefore(p.expires())) {
            throw new EsCertKeException(
                    EsCertKeException.Kind.OUT_OF_SEQUENCE,
                    "no ESCertKE handshake of this originator is under way (M1 first)");
        }
        EsCertKe.Finished finished = p.terminator().finish(m3);
        EsCertKe.PairwiseKey agreed = finished.key();
        try {
            X509Certificate initiator = finished.initiator();
            try {
                initiator.checkValidity(java.util.Date.from(now));
            } catch (java.security.cert.CertificateException e) {
                throw new EsCertKeException("the initiator's certificate is not valid now");
            }
            if (revoked.test(initiator)) {
                throw new EsCertKeException("the initiator's certificate is revoked");
            }
            String identity = identities.get(fingerprint(initiator));
            if (identity == null) { // cannot happen: the handshake admits only these certificates
                throw new EsCertKeException("the initiator's certificate is not admitted");
            }
            Instant expires = now.plus(settings.keyLifetime());
            Instant notAfter = initiator.getNotAfter().toInstant();
            keep(
                    new Established(
                            agreed.relativeId(),
                            agreed.key(),
                            identity,
                            initiator,
                            expires.isAfter(notAfter) ? notAfter : expires),
                    now);
        } finally {
            agreed.destroy();
        }
        return finished.m4();
    }

    private synchronized void keep(Established key, Instant now) {
        expire(now);
        List<String> same = new ArrayList<>();
        keys.forEach((kid, e) -> { // least recently used first
            if (e.identity.equals(key.identity)) {
                same.add(kid);
            }
        });
        for (int i = 0; i <= same.size() - settings.keysPerIdentity(); i++) {
            keys.remove(same.get(i)).destroy();
        }
        while (keys.size() >= settings.maxKeys()) {
            Iterator<Established> oldest = keys.values().iterator();
            oldest.next().destroy();
            oldest.remove();
        }
        Established replaced = keys.put(key.kid, key);
        if (replaced != null) {
            replaced.destroy();
        }
    }

    @Override
    public synchronized Optional<PairwiseKey> find(String kid, Instant now) {
        if (!now.isBefore(nextSweep)) {
            expire(now);
            nextSweep = now.plusSeconds(1);
        }
        Established e = keys.get(kid); // counts as a use
        if (e == null) {
            return Optional.empty();
        }
        if (!now.isBefore(e.expires) || revoked.test(e.certificate)) {
            keys.remove(kid).destroy();
            return Optional.empty();
        }
        return Optional.of(new PairwiseKey(e.kid, e.key, e.identity, SUID));
    }

    @Override
    public synchronized Optional<PairwiseKey> findFor(Predicate<String> identity, Instant now) {
        Established newest = null;
        for (Established e : keys.values()) { // least recently used first: the last match is the most recent
            if (identity.test(e.identity) && now.isBefore(e.expires) && !revoked.test(e.certificate)) {
                newest = e;
            }
        }
        return newest == null ? Optional.empty() : find(newest.kid, now);
    }

    /** How many keys are held (for tests and metrics). */
    public synchronized int keyCount() {
        return keys.size();
    }

    /** How many handshakes are under way (for tests and metrics). */
    public synchronized int handshakeCount() {
        return pending.size();
    }

    /** Zeroes every key and forgets every handshake. */
    public synchronized void clear() {
        keys.values().forEach(Established::destroy);
        keys.clear();
        pending.clear();
    }

    @Override
    public void close() {
        clear();
    }

    private void expire(Instant now) {
        pending.values().removeIf(p -> !now.isBefore(p.expires()));
        keys.values().removeIf(e -> {
            if (now.isBefore(e.expires)) {
                return false;
            }
            e.destroy();
            return true;
        });
    }

    /** Whether {@code message} begins with a TLS handshake record holding a ClientHello (an M1). */
    static boolean isClientHello(byte[] message) {
        return message.length > 5 && message[0] == 22 && message[5] == 1;
    }

    private static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("an admitted certificate cannot be encoded");
        }
    }

    /** A key agreed and kept: its own copy, zeroed when it goes. */
    private static final class Established {
        final String kid;
        final byte[] key;
        final String identity;
        final X509Certificate certificate;
        final Instant expires;

        Established(String kid, byte[] key, String identity, X509Certificate certificate, Instant expires) {
            this.kid = kid;
            this.key = key.clone();
            this.identity = identity;
            this.certificate = certificate;
            this.expires = expires;
        }

        void destroy() {
            Arrays.fill(key, (byte) 0);
        }
    }
}
