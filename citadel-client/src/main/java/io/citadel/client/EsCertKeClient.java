package io.citadel.client;

import io.citadel.e2e.escertke.EsCertKe;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;

/**
 * An AE agreeing a pairwise key with a CSE it reaches through CSEs it does not trust, by ESCertKE (TS-0003 §8.7): the
 * four TLS 1.2 handshake messages travel in two NOTIFYs ({@code m2m:seci} sit 6) to the target's {@code <CSEBase>}
 * over the AE's ordinary hop. The AE proves its certificate; the target must prove the certificate the AE was told of
 * (pinned: a CSE on the way cannot stand in for it). The key is then an ESPrim pairwise key (SUID 43), e.g. for
 * {@link EsprimClient#overEsCertKe}. An answer that carries no next message is an {@link EsprimClient.OuterFailure}.
 */
public final class EsCertKeClient {
    private EsCertKeClient() {}

    /**
     * Runs one ESCertKE handshake with {@code targetCseBase}; the caller zeroes the key ({@link
     * EsCertKe.PairwiseKey#destroy}) when done with it.
     *
     * @param terminator the certificate the target CSE must prove (from configuration, not from its {@code esi})
     */
    public static EsCertKe.PairwiseKey establish(
            OneM2mClient hop, String targetCseBase, EsCertKe.Credential own, X509Certificate terminator) {
        EsCertKe.Initiator initiator = new EsCertKe.Initiator(own, terminator);
        byte[] m2 = exchange(hop, targetCseBase, initiator.start());
        byte[] m4 = exchange(hop, targetCseBase, initiator.next(m2));
        return initiator.finish(m4);
    }

    private static byte[] exchange(OneM2mClient hop, String target, byte[] message) {
        ResponsePrimitive r = hop.send(
                Operation.NOTIFY,
                target,
                b -> b.content(Map.of(
                        "m2m:seci",
                        Map.of("sit", 6L, "eckm", Base64.getEncoder().encodeToString(message)))));
        if (r.status() != ResponseStatusCode.OK) {
            throw new EsprimClient.OuterFailure(r.status());
        }
        if (!(r.content() instanceof Map<?, ?> c)
                || !(c.get("m2m:seci") instanceof Map<?, ?> seci)
                || !(seci.get("sit") instanceof Number n)
                || n.intValue() != 6
                || !(seci.get("eckm") instanceof String eckm)) {
            throw new OneM2mException(ResponseStatusCode.BAD_REQUEST, "the answer carries no ESCertKE message");
        }
        try {
            return Base64.getDecoder().decode(eckm);
        } catch (IllegalArgumentException e) {
            throw new OneM2mException(ResponseStatusCode.BAD_REQUEST, "the answer's ESCertKE message is not base64");
        }
    }
}
