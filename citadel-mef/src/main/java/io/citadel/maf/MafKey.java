package io.citadel.maf;

import java.time.Instant;
import java.util.List;

/**
 * A key registered at the MAF (TS-0003 §8.8.2, digest §13), without its value: who registered it (the Source MAF
 * Client), for which use (SUID) and which targets, until when.
 *
 * @param relativeKeyId the key's ID at this MAF (hex); the key identifier is {@code relativeKeyId@MAF-FQDN}
 * @param source        the Source MAF Client's ID (its AE-ID or CSE-ID, as its handshake proved it)
 * @param suid          the security usage (m2m:suid: 32 SAEF, 33 ESPrim, 34/35 ESData)
 * @param targets       who may retrieve it (absolute or SP-relative AE-IDs / CSE-IDs)
 * @param expires       when it ends
 * @param labels        the client's labels, kept as given
 */
public record MafKey(
        String relativeKeyId, String source, int suid, List<String> targets, Instant expires, List<String> labels) {
    public MafKey {
        targets = List.copyOf(targets);
        labels = List.copyOf(labels);
    }
}
