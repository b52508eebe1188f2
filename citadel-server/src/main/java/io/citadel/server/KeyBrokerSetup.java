package io.citadel.server;

import io.citadel.credentials.PskStore;
import io.citadel.engine.CseSettings;
import io.citadel.tls.broker.BrokeredPskStore;
import io.citadel.tls.broker.KeyBroker;
import io.citadel.tls.broker.MefKeyBroker;
import java.io.File;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The key brokers as configured ({@code --key-broker [mef:|maf:]fqdn=https://host:port,...}): the CSE's PSK store,
 * wrapped so that keys a MEF provisioned for this CSE (KeID) or a MAF client registered for it (KcID) are fetched on
 * first sight of their identity. Without brokers the store is used as it is.
 */
final class KeyBrokerSetup {
    private KeyBrokerSetup() {}

    static PskStore wrap(Configuration config, CseSettings settings, PskStore local) {
        return wrap(config, settings, local, MefKeyBroker.SAEF_SUID, io.citadel.tls.broker.MafKeyBroker.SAEF_SUID);
    }

    /**
     * The pairwise ESPrim key store, wrapped so that a key a MEF provisioned for a device and this CSE (SUID 23, its
     * ID the device's KeID) or a key a MAF client registered for ESPrim with this CSE (SUID 33, its ID the KcID) is
     * fetched on first sight. TS-0003 leaves open how a pairwise ESPrim key follows from a MAF key (digest §9.2):
     * the key registered for SUID 33 is the pairwise key itself (docs/decisions.md).
     */
    static PskStore wrapForEsprim(Configuration config, CseSettings settings, PskStore local) {
        return wrap(config, settings, local, 23, io.citadel.tls.broker.MafKeyBroker.ESPRIM_SUID);
    }

    private static PskStore wrap(Configuration config, CseSettings settings, PskStore local, int mefSuid, int mafSuid) {
        String brokers = config.get(ConfigKey.KEY_BROKER);
        if (brokers == null || brokers.isBlank()) {
            return local;
        }
        String trust = config.get(ConfigKey.KEY_BROKER_TRUST);
        if (trust == null) {
            throw new IllegalArgumentException("--key-broker needs --key-broker-trust (the MEF's trust anchors)");
        }
        io.citadel.tls.CseClientTls tls = CertificateTlsSetup.client(config, settings);
        if (tls == null) {
            throw new IllegalArgumentException(
                    "--key-broker needs this CSE's certificate (--tls-cert and --tls-key, or --key-store)");
        }
        ExecutorService calls = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "citadel-key-broker");
            t.setDaemon(true);
            return t;
        });
        Map<String, KeyBroker> byFqdn = new LinkedHashMap<>();
        for (String entry : brokers.split(",")) {
            String[] parts = entry.strip().split("=", 2);
            boolean maf = parts[0].startsWith("maf:");
            String name = parts[0].replaceFirst("^(maf|mef):", "");
            if (parts.length != 2 || !name.matches("[A-Za-z0-9.-]{1,253}") || !parts[1].startsWith("https://")) {
                throw new IllegalArgumentException(
                        "--key-broker takes [mef:|maf:]fqdn=https://host:port entries, not " + entry);
            }
            String fqdn = name.toLowerCase(Locale.ROOT);
            try {
                javax.net.ssl.SSLContext context = tls.forService(fqdn, new File(trust));
                URI base = URI.create(parts[1]);
                byFqdn.put(
                        fqdn,
                        maf
                                ? new io.citadel.tls.broker.MafKeyBroker(
                                        base, settings.cseId(), context, calls, mafSuid)
                                : new MefKeyBroker(base, settings.cseId(), context, calls, mefSuid));
            } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("--key-broker " + entry + " unusable: " + e.getMessage());
            }
        }
        Duration hold = Duration.parse(config.get(ConfigKey.KEY_BROKER_HOLD));
        return new BrokeredPskStore(local, byFqdn, hold, Duration.ofSeconds(30), 16, Clock.systemUTC());
    }
}
