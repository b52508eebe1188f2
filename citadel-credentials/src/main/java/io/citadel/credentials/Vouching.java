package io.citadel.credentials;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What one store last vouched for, and who listens: the store reports what is usable after every re-read and
 * every second (while listened to), and the credentials that dropped out or changed are announced to the
 * {@link CredentialListener}s. The once-a-second check runs on one daemon thread shared by all stores, only
 * while a store has listeners.
 *
 * @param <K> how the store keys its credentials
 * @param <C> the credentials
 */
final class Vouching<K, C extends Credential> {
    private static final Logger LOG = Logger.getLogger("citadel.security");
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "citadel-credential-watch");
        t.setDaemon(true);
        return t;
    });

    /** One per live TLS session, say: adding and removing must not copy them all. */
    private final Set<CredentialListener> listeners = ConcurrentHashMap.newKeySet();

    private final Runnable check;
    private Map<K, C> vouched = Map.of();
    private ScheduledFuture<?> watching;

    /** @param check the store's re-read and comparison, run once a second while there are listeners */
    Vouching(Runnable check) {
        this.check = check;
    }

    synchronized void add(CredentialListener listener) {
        if (listeners.add(listener) && watching == null) {
            watching = TIMER.scheduleWithFixedDelay(this::runCheck, 1, 1, TimeUnit.SECONDS);
        }
    }

    synchronized void remove(CredentialListener listener) {
        if (listeners.remove(listener) && listeners.isEmpty() && watching != null) {
            watching.cancel(false);
            watching = null;
        }
    }

    /**
     * Records what the store vouches for now and returns what it vouched for before and no longer does as it
     * was: gone, changed, or with a new key ({@code rekeyed}).
     */
    synchronized List<C> update(Map<K, C> usable, Set<K> rekeyed) {
        List<C> gone = new ArrayList<>();
        vouched.forEach((key, before) -> {
            if (!before.equals(usable.get(key)) || rekeyed.contains(key)) {
                gone.add(before);
            }
        });
        vouched = Map.copyOf(usable);
        return gone;
    }

    /** Tells every listener (call without holding the store's lock); a failing listener does not stop the others. */
    void announce(List<? extends C> gone) {
        for (C credential : gone) {
            for (CredentialListener l : listeners) {
                try {
                    l.revoked(credential);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "a listener failed on the revocation of " + credential.credentialId(), e);
                }
            }
        }
    }

    private void runCheck() {
        try {
            check.run();
        } catch (RuntimeException e) { // the timer must survive: a periodic task that throws is never run again
            LOG.log(Level.WARNING, "checking the credential store failed", e);
        }
    }
}
