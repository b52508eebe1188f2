package io.citadel.tls.broker;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;

/**
 * A MEF as the broker of the keys it provisioned (TS-0003 §8.3.2.1 "Use of Remotely Provisioned Credential"): this
 * CSE, an enrolment target, asks {@code GET <base>/fetchCredentials/<KeID>/22} and gets the usage-constrained key,
 * the enrolee's ID and the key's lifetime ({@code {"status":true,"credential","enroleeID","lifetime"}}).
 */
public final class MefKeyBroker extends HttpKeyBroker {
    /** The SUID of a key for a security association (SAEF) provisioned by a MEF (TS-0004 m2m:suid 22). */
    public static final int SAEF_SUID = 22;
    /** The SUID of a MAF client's master key (Km) provisioned by a MEF (TS-0004 m2m:suid 21). */
    public static final int MAF_SUID = 21;

    private final int suid;

    /**
     * @param base  the MEF's URI, e.g. {@code https://mef.sp.example:8444}
     * @param cseId this CSE's CSE-ID, e.g. {@code /id-in}
     * @param tls   this CSE's certificate and trust in the MEF
     */
    public MefKeyBroker(URI base, String cseId, SSLContext tls, Executor executor) {
        this(base, cseId, tls, executor, SAEF_SUID);
    }

    /**
     * The MEF as broker of keys for use {@code suid}: 22 for a CSE (security associations), 21 for a MAF (its
     * clients' master keys), {@code from} the target's ID (a CSE-ID, the MAF's FQDN).
     */
    public MefKeyBroker(URI base, String from, SSLContext tls, Executor executor, int suid) {
        super("MEF", base, from, tls, executor);
        this.suid = suid;
    }

    @Override
    String path(String identity) {
        return "/fetchCredentials/" + identity + "/" + suid;
    }

    @Override
    BrokeredKey key(String identity, JsonNode body) {
        if (!body.path("status").asBoolean(false)) {
            throw new KeyBrokerException("the MEF refused " + identity);
        }
        return of(
                bytes(identity, body, "credential"),
                originator(identity, body, "enroleeID"),
                time(identity, body, "lifetime"));
    }
}
