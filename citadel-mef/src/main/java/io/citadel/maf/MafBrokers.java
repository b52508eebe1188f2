package io.citadel.maf;

import io.citadel.tls.CseClientTls;
import io.citadel.tls.broker.KeyBroker;
import io.citadel.tls.broker.MefKeyBroker;
import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLException;

/**
 * {@code maf serve --key-broker fqdn=https://host:port,... --key-broker-trust PEM}: the MEFs whose enrolees open MAF
 * sessions with a master key the MEF provisioned (SUID 21, identity {@code <KeID>@<MEF-FQDN>}). The MAF fetches it
 * from the MEF's {@code fetchCredentials} on first sight, with its own FQDN certificate, as a CSE fetches SUID 22.
 */
final class MafBrokers {
    private MafBrokers() {}

    /** The brokers by FQDN; none without {@code --key-broker}. */
    static Map<String, KeyBroker> of(Map<String, String> opts, String mafFqdn, String sp, Path serverCert) {
        String list = opts.get("key-broker");
        if (list == null || list.isBlank()) {
            return Map.of();
        }
        String trust = opts.get("key-broker-trust");
        if (trust == null) {
            throw new IllegalArgumentException("--key-broker needs --key-broker-trust (the MEF's trust anchors)");
        }
        ExecutorService calls = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "citadel-maf-key-broker");
            t.setDaemon(true);
            return t;
        });
        Map<String, KeyBroker> byFqdn = new LinkedHashMap<>();
        for (String entry : list.split(",")) {
            String[] parts = entry.strip().split("=", 2);
            if (parts.length != 2 || !parts[0].matches("[A-Za-z0-9.-]{1,253}") || !parts[1].startsWith("https://")) {
                throw new IllegalArgumentException("--key-broker takes fqdn=https://host:port entries, not " + entry);
            }
            String fqdn = parts[0].toLowerCase(Locale.ROOT);
            try {
                CseClientTls tls = CseClientTls.fromPem(
                        serverCert.toFile(),
                        serverCert.resolveSibling("server.key").toFile(),
                        null,
                        new File(trust),
                        null,
                        sp,
                        UnaryOperator.identity());
                byFqdn.put(
                        fqdn,
                        new MefKeyBroker(
                                URI.create(parts[1]),
                                mafFqdn,
                                tls.forService(fqdn, new File(trust)),
                                calls,
                                MefKeyBroker.MAF_SUID));
            } catch (SSLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("--key-broker " + entry + " unusable: " + e.getMessage());
            }
        }
        return byFqdn;
    }
}
