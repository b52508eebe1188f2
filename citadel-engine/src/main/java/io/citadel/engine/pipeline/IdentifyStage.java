package io.citadel.engine.pipeline;

import io.citadel.credentials.LevelOfAssurance;
import io.citadel.credentials.SecurityAssociation;
import io.citadel.engine.CseSettings;
import io.citadel.engine.hierarchy.RemoteCseIndex;
import io.citadel.engine.resources.Representation;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.ResourceRepository;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.security.OriginatorIds;
import java.util.Optional;

/**
 * Identify stage, run for every request whatever its target (a forwarded, non-blocking or fanned-out request
 * leaves this CSE on the originator's behalf, so it must be identified here exactly as a local one): binds the
 * originator to what the hop's security association proved (TS-0003 §7.2.1, digest §3.6).
 * <ul>
 * <li>With an association: {@code From} must be one of the IDs bound to the credential (also for AE
 * registration), else 4106; such an originator is authenticated (feeds {@code acaf}).</li>
 * <li>Without one: a CSE-ID as {@code From} gets 4107, unless the operator listed it as an insecure peer (lab
 * setups); an AE-ID must be allowed to act unsecured ({@link #requireUnsecuredAeMayAct}).</li>
 * </ul>
 * Records {@link Facts#ORIGINATOR_ID} and the {@link Authentication}.
 */
public final class IdentifyStage implements Stage {
    /** Hidden attribute of an {@code <AE>}: the Credential-ID of the association it registered over. */
    public static final String SECURED_REGISTRATION = Representation.HIDDEN_PREFIX + "registeredOver";

    private final CseSettings settings;
    private final OriginatorIds ids;
    private final ResourceRepository repository;
    private final RemoteCseIndex remotes;
    private final String administrator;

    public IdentifyStage(
            CseSettings settings, OriginatorIds ids, ResourceRepository repository, RemoteCseIndex remotes) {
        this.settings = settings;
        this.ids = ids;
        this.repository = repository;
        this.remotes = remotes;
        this.administrator = ids.normalize(settings.administrator());
    }

    @Override
    public ResponsePrimitive apply(Exchange exchange, Next next) {
        RequestPrimitive req = exchange.request();
        String normalized = req.from() == null || req.from().isEmpty() ? "" : ids.normalize(req.from());
        exchange.put(
                Authentication.KEY,
                authenticate(req, normalized, exchange.context().association()));
        exchange.put(Facts.ORIGINATOR_ID, normalized);
        return next.proceed(exchange);
    }

    private Authentication authenticate(RequestPrimitive req, String normalized, SecurityAssociation sa) {
        boolean authenticated = bindToAssociation(req, normalized, sa);
        if (req.from() == null || req.from().isEmpty()) {
            return Authentication.anonymous();
        }
        boolean admin = normalized.equals(administrator);
        boolean cse = isCseId(normalized);
        Optional<Resource> ae = cse ? Optional.empty() : registeredAe(normalized);
        if (!authenticated && !admin && !cse && !isAeRegistration(req)) {
            requireUnsecuredAeMayAct(normalized, ae);
        }
        return new Authentication(authenticated, admin, cse, ae, assurance(sa, normalized));
    }

    /**
     * The originator's level of assurance: the association's own when it proved the originator; asserted without an
     * association for this CSE's AEs and a CSE that speaks for itself (a lab's insecure peer); unknown (null) for an
     * entity behind another CSE, relayed over an association or (in a lab) without one.
     */
    private LevelOfAssurance assurance(SecurityAssociation sa, String normalized) {
        if (sa == null) {
            return normalized.isEmpty() || ownStem(normalized) != null || isCseId(normalized)
                    ? LevelOfAssurance.ASSERTED
                    : null;
        }
        return sa.allows(normalized) ? sa.assurance() : null;
    }

    public static boolean isAeRegistration(RequestPrimitive req) {
        return req.operation() == Operation.CREATE
                && req.resourceType() != null
                && req.resourceType() == ResourceType.AE.code();
    }

    /** A CSE-ID in normalised form: {@code /cse} (not an S-stem AE) or {@code //sp/cse}. */
    public static boolean isCseId(String normalized) {
        if (normalized.startsWith("//")) {
            int slash = normalized.indexOf('/', 2);
            return slash > 2 && normalized.indexOf('/', slash + 1) < 0 && !normalized.startsWith("S", slash + 1);
        }
        return normalized.startsWith("/")
                && normalized.length() > 1
                && normalized.indexOf('/', 1) < 0
                && normalized.charAt(1) != 'S';
    }

    /**
     * An AE-ID as {@code From} without a security association (TS-0004 §7.3.2.1, digest §3.6): one of this
     * CSE's AE-IDs that is not registered here → 4106; an AE that registered over a security association
     * → 4107 (it may not fall back to an unsecured hop, which would let anyone on that hop claim it); an AE of
     * another CSE → 4106, since it can only come through its CSE, over an association, unless the operator
     * runs a lab hierarchy without TLS ({@code --insecure-cse-peers}).
     */
    private void requireUnsecuredAeMayAct(String normalized, Optional<Resource> registered) {
        if (registered.isPresent()) {
            if (registered.get().get(SECURED_REGISTRATION) != null) {
                throw new OneM2mException(
                        ResponseStatusCode.SECURITY_ASSOCIATION_REQUIRED,
                        "this AE registered over a security association; its requests must come over one too");
            }
            return;
        }
        if (ownStem(normalized) != null) {
            throw new OneM2mException(
                    ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED,
                    "'From' names an AE that is not registered with this CSE; register it first");
        }
        if (settings.insecureCsePeers().isEmpty()) {
            throw new OneM2mException(
                    ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED,
                    "'From' names an AE of another CSE, which reaches this CSE only through its CSE over a security association");
        }
    }

    /**
     * The originator checked against the hop's security association; true when the association proves it.
     * A CSE peer may also relay for the entities behind it: a registree for its own AEs and its descendant
     * CSEs ({@code dcse}) and their AEs, the registrar for anyone not on our side of it.
     */
    private boolean bindToAssociation(RequestPrimitive req, String normalized, SecurityAssociation sa) {
        if (req.from() == null || req.from().isEmpty()) {
            if (sa != null) {
                throw new OneM2mException(
                        ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED,
                        "over a security association the AE-ID to register must be given in 'From'");
            }
            return false;
        }
        if (sa != null && !sa.allows(normalized) && !relayedBy(sa, normalized)) {
            throw new OneM2mException(
                    ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED,
                    "'From' is not an identity of the credential this connection authenticated (" + sa.credentialId()
                            + ")");
        }
        if (sa == null && isCseId(normalized) && !settings.insecureCsePeers().contains(normalized)) {
            throw new OneM2mException(
                    ResponseStatusCode.SECURITY_ASSOCIATION_REQUIRED,
                    "a CSE must send requests over a security association (TLS)");
        }
        return sa != null;
    }

    private boolean relayedBy(SecurityAssociation sa, String originator) {
        String own = settings.cseId();
        for (String peer : sa.identities()) {
            if (!isCseId(peer) || remotes.byCseId(peer).isEmpty()) {
                continue;
            }
            boolean fromRegistrar = remotes.registrar().map(peer::equals).orElse(false);
            if (!fromRegistrar && remotes.isBehind(peer, originator)) {
                return true;
            }
            if (fromRegistrar
                    && !originator.equals(own)
                    && !originator.startsWith(own + "/")
                    && remotes.descendants().stream().noneMatch(d -> remotes.isBehind(d, originator))) {
                return true;
            }
        }
        return false;
    }

    private String ownStem(String normalized) {
        return ids.ownStem(normalized);
    }

    private Optional<Resource> registeredAe(String normalized) {
        String stem = ownStem(normalized);
        if (stem == null) {
            return Optional.empty();
        }
        return repository.findById(stem).filter(r -> r.type() == ResourceType.AE);
    }
}
