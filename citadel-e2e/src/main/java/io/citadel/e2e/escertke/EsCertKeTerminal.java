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

/**
 * The terminator's side of ESCertKE for many initiators (TS-0003 §8.7, digest §10): each initiator's M1 (a ClientHello)
 * begins a handshake kept for that initiator until its M3 arrives; M3 completes it, and the pairwise key it agreed is
 * kept for ESPrim (SUID 43), bound to the identity configured for the admitted certificate the handshake proved, never
 * to the initiator's {@code From}. The initiator is named by the caller ({@code peer}: the outer request's originator),
 * only to find its handshake: a new M1 from the same peer replaces one under way.
 *
 * <p>Bounds: at most {@link Settings#maxHandshakes} handshakes under way (the least recently begun gives way), each for
 * {@link Settings#handshakeTimeout}; at most {@link Settings#maxKeys} keys, {@link Settings#keysPerIdentity} per
 * identity (the oldest gives way and is zeroed), each for {@link Settings#keyLifetime}. The TLS work runs outside the
 * lock, so one slow handshake does not hold the others.
 */
public final class EsCertKeTerminal implements PairwiseKeys {

    /** How many handshakes and keys are kept and for how long. */
    public record Settings(
            Duration handshakeTimeout, int maxHandshakes, Duration keyLifetime, int maxKeys, int keysPerIdentity) {
        public Settings {
            if (handshakeTimeout.isNegative()
                    || handshakeTimeout.isZero()
                    || keyLifetime.isNegative()
                    || keyLifetime.isZero()) {
                throw new IllegalArgumentException("ESCertKE timeouts and lifetimes are positive");
            }
            if (maxHandshakes < 1 || maxKeys < 1 || keysPerIdentity < 1) {
                throw new IllegalArgumentException("ESCertKE bounds are positive");
            }
        }

        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(30), 64, Duration.ofHours(24), 1024, 4);
        }

        public Settings withKeyLifetime(Duration lifetime) {
            return new Settings(handshakeTimeout, maxHandshakes, lifetime, maxKeys, keysPerIdentity);
        }
    }

    /** The SUID of a pairwise key agreed by ESCertKE and used for ESPrim (certificate-based, ESPrim). */
    public static final int SUID = 43;

    private record Pending(EsCertKe.Terminator terminator, Instant expires) {}

    private final EsCertKe.Credential own;
    private final List<X509Certificate> admitted;
    /** Fingerprint (SHA-256 of the DER, hex) of each admitted certificate → the identity it stands for. */
    private final Map<String, String> identities;

    private final Settings settings;
    private final Clock clock;
    private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();
    private final LinkedHashMap<String, Established> keys = new LinkedHashMap<>();

    /**
     * @param own this end's certificate and key (P-256)
     * @param admitted each admitted initiator's certificate and the identity (AE-ID or CSE-ID, as the receiver compares
     *     originators) its keys are bound to
     */
    public EsCertKeTerminal(
            EsCertKe.Credential own, Map<X509Certificate, String> admitted, Settings settings, Clock clock) {
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
    }

    /**
     * The answer to one message of {@code peer}'s: M2 for an M1, M4 for an M3 (the key is then kept).
     *
     * @throws EsCertKeException {@link EsCertKeException.Kind#OUT_OF_SEQUENCE} for a message that is not an M1 when no
     *     handshake of {@code peer}'s is under way; {@link EsCertKeException.Kind#HANDSHAKE} when the handshake fails
     *     (it is then over)
     */
    public byte[] receive(String peer, byte[] message) {
        if (message == null || message.length == 0 || message.length > EsCertKe.MAX_MESSAGE) {
            throw new EsCertKeException(
                    EsCertKeException.Kind.OUT_OF_SEQUENCE,
                    "an ESCertKE message is 1 to " + EsCertKe.MAX_MESSAGE + " bytes");
        }
        return isClientHello(message) ? begin(peer, message) : complete(peer, message);
    }

    private byte[] begin(String peer, byte[] m1) {
        synchronized (this) {
            pending.remove(peer); // a new M1 replaces the peer's handshake under way
        }
        EsCertKe.Terminator terminator = new EsCertKe.Terminator(own, admitted);
        byte[] m2 = terminator.respond(m1);
        Instant now = clock.instant();
        synchronized (this) {
            expire(now);
            while (pending.size() >= settings.maxHandshakes()) {
                Iterator<String> oldest = pending.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
            pending.put(peer, new Pending(terminator, now.plus(settings.handshakeTimeout())));
        }
        return m2;
    }

    private byte[] complete(String peer, byte[] m3) {
        Pending p;
        Instant now = clock.instant();
        synchronized (this) {
            p = pending.remove(peer);
        }
        if (p == null || !now.isBefore(p.expires())) {
            throw new EsCertKeException(
                    EsCertKeException.Kind.OUT_OF_SEQUENCE,
                    "no ESCertKE handshake of this originator is under way (M1 first)");
        }
        EsCertKe.Finished finished = p.terminator().finish(m3);
        EsCertKe.PairwiseKey agreed = finished.key();
        try {
            try {
                finished.initiator().checkValidity(java.util.Date.from(now));
            } catch (java.security.cert.CertificateException e) {
                throw new EsCertKeException("the initiator's certificate is not valid now");
            }
            String identity = identities.get(fingerprint(finished.initiator()));
            if (identity == null) { // cannot happen: the handshake admits only these certificates
                throw new EsCertKeException("the initiator's certificate is not admitted");
            }
            keep(new Established(agreed.relativeId(), agreed.key(), identity, now.plus(settings.keyLifetime())), now);
        } finally {
            agreed.destroy();
        }
        return finished.m4();
    }

    private synchronized void keep(Established key, Instant now) {
        expire(now);
        List<String> same = new ArrayList<>();
        keys.forEach((kid, e) -> {
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
        Established e = keys.get(kid);
        if (e == null) {
            return Optional.empty();
        }
        if (!now.isBefore(e.expires)) {
            keys.remove(kid).destroy();
            return Optional.empty();
        }
        return Optional.of(new PairwiseKey(e.kid, e.key, e.identity, SUID));
    }

    /** How many keys are held (for tests and metrics). */
    public synchronized int keyCount() {
        return keys.size();
    }

    /** Zeroes every key and forgets every handshake. */
    public synchronized void clear() {
        keys.values().forEach(Established::destroy);
        keys.clear();
        pending.clear();
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
        final Instant expires;

        Established(String kid, byte[] key, String identity, Instant expires) {
            this.kid = kid;
            this.key = key.clone();
            this.identity = identity;
            this.expires = expires;
        }

        void destroy() {
            Arrays.fill(key, (byte) 0);
        }
    }
}
