package io.citadel.mef.clients;

import java.time.Instant;
import java.util.List;

/**
 * A {@code <mefClientReg>}: what MEF Client Registration created for one client (TS-0003 §8.3.5.2).
 *
 * @param regId          the MEFClientRegID (32 random hex digits)
 * @param clientId       the MEF Client ID: the enrolee the client's MEF handshake proved
 * @param expirationTime when the registration ends (bounded by the MEF)
 * @param labels         the client's labels (at most {@link MefClients#MAX_LABELS})
 * @param adminFqdn      the administrating stakeholder's FQDN, or null
 */
public record MefClientRegistration(
        String regId, String clientId, Instant expirationTime, List<String> labels, String adminFqdn) {
    public MefClientRegistration {
        labels = List.copyOf(labels);
    }
}
