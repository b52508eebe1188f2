package io.citadel.engine.e2e;

import io.citadel.e2e.esprim.EsprimReceiver;
import io.citadel.e2e.esprim.RandObject;
import io.citadel.engine.CseSettings;
import io.citadel.engine.resources.Writes;
import io.citadel.engine.store.ResourceStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This CSE's end-to-end security information (TS-0004 {@code m2m:e2eSecInfo}, digest §7.1) as its CSEBase's
 * {@code esi}: the SUIDs it takes ESPrim objects under ({@code esf}), its ESCertKE certificate ({@code escert}) and its
 * current receiver rand object
 * ({@code esro}), which any originator may use instead of asking with a sit 3 NOTIFY. Written at start and whenever
 * the receiver rand object is replaced (checked every quarter of its lifetime), and handed to the registrar with the
 * registration ({@code <remoteCSE>} {@code esi}).
 */
public final class SecurityInfoPublisher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("citadel.engine");

    private final EsprimReceiver receiver;
    private final List<Long> suids;
    /** {@code escert}: base64 of the DER of each certificate published for ESCertKE and ESData. */
    private final List<String> certificates;

    private final ResourceStore store;
    private final CseSettings settings;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "citadel-esi");
        t.setDaemon(true);
        return t;
    });
    private volatile String published;

    public SecurityInfoPublisher(
            EsprimReceiver receiver,
            List<Integer> suids,
            List<java.security.cert.X509Certificate> certificates,
            ResourceStore store,
            CseSettings settings,
            Duration lifetime) {
        this.receiver = receiver;
        this.suids = suids.stream().map(Long::valueOf).toList();
        this.certificates =
                certificates.stream().map(SecurityInfoPublisher::base64).toList();
        this.store = store;
        this.settings = settings;
        long every = Math.max(1, lifetime.dividedBy(4).toSeconds());
        timer.scheduleWithFixedDelay(this::publishQuietly, every, every, TimeUnit.SECONDS);
    }

    /** The {@code esi} to show now. */
    public Map<String, Object> esi() {
        Map<String, Object> esi = new LinkedHashMap<>();
        esi.put("esf", suids);
        if (!certificates.isEmpty()) {
            esi.put("escert", certificates);
        }
        esi.put("esro", receiver.randObject().toJson());
        return esi;
    }

    /** Writes {@code esi} into the CSEBase when its rand object changed since the last write. */
    public void publish() {
        RandObject current = receiver.randObject();
        if (current.id().equals(published)) {
            return;
        }
        Map<String, Object> esi = esi();
        Writes.await(store.write(tx -> {
            tx.findById(settings.cseBaseId()).ifPresent(cb -> tx.update(cb.with(Map.of("esi", esi))));
            return null;
        }));
        published = current.id();
    }

    private void publishQuietly() {
        try {
            publish();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the CSEBase esi could not be refreshed: " + e.getMessage());
        }
    }

    private static String base64(java.security.cert.X509Certificate c) {
        try {
            return java.util.Base64.getEncoder().encodeToString(c.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalArgumentException("a published certificate cannot be encoded");
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
