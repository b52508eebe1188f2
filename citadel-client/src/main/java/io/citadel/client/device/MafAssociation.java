package io.citadel.client.device;

import io.citadel.client.device.ManagedSettings.CseAuthentication;
import io.citadel.client.device.ManagedSettings.MafRegistration;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;

/**
 * The device's MAF side: its registration as a MAF client ([MAFClientRegCfg]) and the key it registers there for its
 * CSE (SUID 32, the MAF-based SAEF). Nothing that changes the key or the MAF the CSE association depends on is kept
 * before a request to the CSE over the new key succeeded ({@code probe}), so an operator's mistake (a {@code krd} the
 * MAF refuses, a MAF the CSE does not broker) cannot cut the device off. The key is kept in memory only, registered
 * anew a minute before its end (the previous one then de-registered at the MAF, so a device does not pile up keys
 * there); a registration the MAF no longer knows (expired) is made again with the device's KeID. Network exchanges
 * run outside the lock; a registration changed meanwhile (a generation count) keeps its key out of the cache.
 */
final class MafAssociation {
    private static final System.Logger LOG = System.getLogger("citadel.device");
    /** The longest {@code krd} the device asks for; the MAF may allow less. */
    static final Duration MAX_KEY_DURATION = Duration.ofDays(30);

    static final Duration MIN_KEY_DURATION = Duration.ofMinutes(2);

    private final DeviceEnrolment device;
    private final Object lock = new Object();
    /** Bumped whenever the registration or the cached key is replaced or dropped. */
    private long generation;
    /** The key for the CSE, or null (guarded by {@link #lock}). */
    private MafClient.CseKey cached;

    MafAssociation(DeviceEnrolment device) {
        this.device = device;
    }

    /**
     * A pairwise ESPrim key (SUID 33) registered at the device's MAF for its CSE, to last {@code duration}; not kept
     * here (the caller keeps and zeroes it).
     */
    MafClient.CseKey esprimKey(Duration duration) {
        MafRegistration r;
        synchronized (lock) {
            r = device.settings().maf();
        }
        if (r == null) {
            throw new EnrolmentException("this device is no MAF client: no ESPrim key from a MAF");
        }
        return MafClient.registerKeyFor(device, r, device.credentials().cseId(), duration, MafClient.MAF_ESPRIM);
    }

    /** An ESData key (SUID 34 or 35) registered at the device's MAF for {@code targets}; the caller zeroes it. */
    MafClient.CseKey esdataKey(int suid, java.util.List<String> targets, Duration duration) {
        if (suid != 34 && suid != 35) {
            throw new IllegalArgumentException("an ESData key from a MAF is SUID 34 (encryption, nested) or 35 (MIC)");
        }
        return MafClient.registerKeyFor(device, registration("ESData"), targets, duration, suid);
    }

    /** A key of SUID {@code suid} that another client of the device's MAF registered for it (Key Retrieval). */
    MafClient.CseKey retrieve(String keyId, int suid) {
        return MafClient.retrieveKey(device, registration("a key"), keyId, suid);
    }

    private MafRegistration registration(String what) {
        MafRegistration r;
        synchronized (lock) {
            r = device.settings().maf();
        }
        if (r == null) {
            throw new EnrolmentException("this device is no MAF client: no " + what + " from a MAF");
        }
        return r;
    }

    /**
     * The key for the CSE (a copy: the caller zeroes it), registered anew when there is none or it ends within a
     * minute.
     */
    MafClient.CseKey key() {
        long seen;
        MafRegistration r;
        synchronized (lock) {
            seen = generation;
            r = device.settings().maf();
            if (r == null) {
                throw new EnrolmentException("this device is no MAF client: no key for its CSE from a MAF");
            }
            if (cached != null && cached.notAfter().isAfter(Instant.now().plusSeconds(60))) {
                return cached.copy();
            }
        }
        MafClient.CseKey fresh = registerKey(r, r.keyDuration());
        Replaced replaced;
        synchronized (lock) {
            if (seen != generation) {
                return fresh; // the registration changed meanwhile: this key serves the one caller, uncached
            }
            replaced = install(device.settings().maf().withKey(r.keyDuration(), fresh.keyId()), fresh);
        }
        deregister(replaced);
        return fresh.copy();
    }

    /**
     * Registers a key to last {@code duration} for the CSE, checks it with {@code probe} (null: the CSE took a
     * request over it; else why not) and only then makes it the one in use. Null when switched; else the refusal.
     */
    ManagementOutcome switchKey(Duration duration, Function<MafClient.CseKey, String> probe) {
        MafRegistration r = device.settings().maf();
        if (r == null) {
            return ManagementOutcome.unacceptable(
                    "SUID 32 needs a MAF: this device is no MAF client ([MAFClientRegCfg] first)");
        }
        MafClient.CseKey k;
        try {
            k = registerKey(r, duration);
        } catch (EnrolmentException e) {
            return ManagementOutcome.failed(e.getMessage() + ": not switched");
        }
        String refused = probe.apply(k);
        if (refused != null) {
            dropKey(device.settings().maf(), k);
            return ManagementOutcome.failed(refused + ": not switched");
        }
        Replaced replaced;
        synchronized (lock) {
            MafRegistration now = device.settings().maf();
            if (now == null) { // forgotten meanwhile
                dropKey(null, k);
                return ManagementOutcome.failed("the MAF registration ended meanwhile: not switched");
            }
            replaced = install(now.withKey(duration, k.keyId()), k);
        }
        deregister(replaced);
        return null;
    }

    /** The {@code krd} the CSE association asks for now (null: as the MAF gives). */
    Duration keyDuration() {
        MafRegistration r = device.settings().maf();
        return r == null ? null : r.keyDuration();
    }

    /**
     * [MAFClientRegCfg]: registers at the MAF {@code fqdn} on {@code port}. While the CSE association uses a MAF key
     * ({@code inUse}), the new MAF must first give a key the CSE takes ({@code probe}); a registration at another MAF
     * is ended once the new one stands.
     */
    ManagementOutcome configure(
            String source, String fqdn, int port, boolean inUse, Function<MafClient.CseKey, String> probe) {
        MafRegistration before = device.settings().maf();
        if (before != null && before.fqdn().equals(fqdn) && before.port() == port) {
            synchronized (lock) {
                device.changeSettings(
                        m -> m.withMaf(m.maf() == null ? null : m.maf().withSource(source)));
            }
            return ManagementOutcome.applied("is a client of the MAF " + fqdn + ":" + port + " already");
        }
        MafRegistration registered;
        try {
            registered = MafClient.register(device, source, fqdn, port)
                    .withKey(before == null ? null : before.keyDuration(), null);
        } catch (EnrolmentException e) {
            return ManagementOutcome.failed(e.getMessage() + ": not registered");
        }
        MafClient.CseKey k = null;
        if (inUse) {
            try {
                k = registerKey(registered, registered.keyDuration());
            } catch (EnrolmentException e) {
                endQuietly(registered);
                return ManagementOutcome.failed(e.getMessage() + ": not switched");
            }
            String refused = probe.apply(k);
            if (refused != null) {
                k.zero();
                endQuietly(registered);
                return ManagementOutcome.failed(refused + " with a key of the MAF " + fqdn + ": not switched");
            }
            registered = registered.withKey(registered.keyDuration(), k.keyId());
        }
        synchronized (lock) {
            install(registered, k); // another registration: its keys end with it below
        }
        if (before != null) {
            endQuietly(before);
        }
        return ManagementOutcome.applied("registered as client " + registered.regId() + " of the MAF " + fqdn + ":"
                + port + (registered.assignedKmId() == null ? "" : ", assigned KmID " + registered.assignedKmId()));
    }

    /**
     * The registration {@code source} made goes with its object: dropped here first (an association by a MAF key
     * goes back to the one the device started with), then ended at the MAF (best effort: its expiry ends it
     * otherwise).
     */
    void forget(String source) {
        MafRegistration r;
        synchronized (lock) {
            r = device.settings().maf();
            if (r == null || !source.equals(r.source())) {
                return;
            }
            generation++;
            if (cached != null) {
                cached.zero();
                cached = null;
            }
            device.changeSettings(m -> {
                ManagedSettings next = m.withMaf(null);
                return next.cseAuthentication() == CseAuthentication.MAF_KEY ? next.withCseAuthentication(null) : next;
            });
        }
        endQuietly(r);
    }

    /** A key of the MAF that was replaced, to be de-registered there (outside the lock). */
    private record Replaced(MafRegistration registration, String keyId) {
        void deregister(DeviceEnrolment device) {
            try { // so that replaced keys do not pile up at the MAF (it allows a client 64)
                MafClient.deregisterKey(device, registration, keyId);
            } catch (EnrolmentException e) {
                LOG.log(System.Logger.Level.WARNING, "a replaced MAF key was not de-registered: " + e.getMessage());
            }
        }
    }

    /**
     * Makes {@code r} the registration and {@code k} (null: none yet) the cached key; under {@link #lock}. The key it
     * replaced at the same registration, if any, for the caller to de-register once out of the lock.
     */
    private Replaced install(MafRegistration r, MafClient.CseKey k) {
        MafRegistration before = device.settings().maf();
        generation++;
        if (cached != null && cached != k) {
            cached.zero();
        }
        cached = k;
        device.changeSettings(m -> m.withMaf(r));
        if (before != null
                && before.keyId() != null
                && before.regId().equals(r.regId())
                && !before.keyId().equals(r.keyId())) {
            return new Replaced(before, before.keyId());
        }
        return null;
    }

    private void deregister(Replaced replaced) {
        if (replaced != null) {
            replaced.deregister(device);
        }
    }

    /**
     * Registers a key for the CSE under {@code r}; when the MAF no longer knows the registration (expired: no session
     * with the assigned KmID), registers the device again with its KeID and retries once.
     */
    private MafClient.CseKey registerKey(MafRegistration r, Duration duration) {
        String cse = device.credentials().cseId();
        try {
            return MafClient.registerKeyFor(device, r, cse, duration);
        } catch (EnrolmentException first) {
            MafRegistration again;
            try {
                again = MafClient.register(device, r.source(), r.fqdn(), r.port())
                        .withKey(r.keyDuration(), null);
            } catch (EnrolmentException e) {
                throw first;
            }
            if (again.regId().equals(r.regId()) && Objects.equals(again.assignedKmId(), r.assignedKmId())) {
                throw first; // the registration stands: the refusal was about the key
            }
            synchronized (lock) {
                generation++;
                device.changeSettings(m -> m.withMaf(again));
            }
            LOG.log(System.Logger.Level.INFO, "registered again at the MAF " + r.fqdn() + " as " + again.regId());
            return MafClient.registerKeyFor(device, again, cse, duration);
        }
    }

    private void dropKey(MafRegistration r, MafClient.CseKey k) {
        k.zero();
        if (r != null) {
            try {
                MafClient.deregisterKey(device, r, k.keyId());
            } catch (EnrolmentException e) {
                LOG.log(System.Logger.Level.WARNING, "an unused MAF key was not de-registered: " + e.getMessage());
            }
        }
    }

    private void endQuietly(MafRegistration r) {
        try {
            MafClient.deregister(device, r);
        } catch (EnrolmentException e) {
            LOG.log(System.Logger.Level.WARNING, "MAF de-registration not confirmed: " + e.getMessage());
        }
    }
}
