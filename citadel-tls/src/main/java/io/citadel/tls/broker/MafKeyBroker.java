package io.citadel.tls.broker;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;

/**
 * A MAF as the broker of the keys its clients registered for this CSE (the MAF-based SAEF, TS-0003 §8.2.2.3): the
 * identity is {@code hex(KcID)@MAF-FQDN}; this CSE, a target of the key, asks {@code GET <base>/maf/keys/<KcID>}
 * (Key Retrieval) and gets the key, its source client (the originator the session is bound to), its SUID, which must
 * be the use this broker serves (32, the MAF-based SAEF; or 33, pairwise ESPrim keys), and its expiry.
 */
public final class MafKeyBroker extends HttpKeyBroker {
    /** m2m:suid of a MAF-distributed key for a security association. */
    public static final int SAEF_SUID = 32;
    /** m2m:suid of a MAF-distributed pairwise ESPrim key. */
    public static final int ESPRIM_SUID = 33;

    private final int suid;

    public MafKeyBroker(URI base, String cseId, SSLContext tls, Executor executor) {
        this(base, cseId, tls, executor, SAEF_SUID);
    }

    /** A broker of the keys registered for {@code suid} (32: security associations, 33: ESPrim). */
    public MafKeyBroker(URI base, String cseId, SSLContext tls, Executor executor, int suid) {
        super("MAF", base, cseId, tls, executor);
        if (suid != SAEF_SUID && suid != ESPRIM_SUID) {
            throw new IllegalArgumentException("a MAF brokers keys of SUID 32 or 33 here");
        }
        this.suid = suid;
    }

    @Override
    String path(String identity) {
        return "/maf/keys/" + identity.substring(0, identity.indexOf('@'));
    }

    @Override
    BrokeredKey key(String identity, JsonNode body) {
        if (body.path("suid").asInt(-1) != suid) {
            throw new KeyBrokerException("the MAF's key " + identity + " is not for "
                    + (suid == SAEF_SUID ? "a security association" : "ESPrim") + " (suid "
                    + body.path("suid").asText("?") + ")");
        }
        return of(
                bytes(identity, body, "keyValue"),
                originator(identity, body, "sourceMafClientID"),
                time(identity, body, "expirationTime"));
    }
}
