package io.citadel.engine;

import io.citadel.credentials.SecurityAssociation;
import io.citadel.engine.resource.Resource;
import io.citadel.engine.store.ChangeListener;
import io.citadel.engine.store.ResourceStore;
import io.citadel.engine.store.StoreException;
import io.citadel.engine.types.AccessControlPolicyBehaviour;
import io.citadel.engine.types.AeBehaviour;
import io.citadel.engine.types.ContainerBehaviour;
import io.citadel.engine.types.ContentInstanceBehaviour;
import io.citadel.engine.types.FixedBehaviour;
import io.citadel.engine.types.SubscriptionBehaviour;
import io.citadel.engine.types.RemoteCseBehaviour;
import io.citadel.engine.types.GroupBehaviour;
import io.citadel.engine.types.AnnouncedBehaviour;
import io.citadel.engine.notification.DispatchSettings;
import io.citadel.engine.notification.NotificationDispatcher;
import io.citadel.engine.types.TypeBehaviour;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.ReleaseVersion;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.ResultContent;
import io.citadel.protocol.schema.ResourceSchema;
import io.citadel.security.OriginatorIds;
import io.citadel.security.TokenVerifier;
import java.time.Duration;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The CSE: the one request pipeline every binding feeds. validate → identify → resolve target →
 * authorize (inside each operation, before any state changes) → handle → encode (by the binding).
 * Thread-safe; blocking (a write returns when it is durable).
 */
public final class Cse implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("citadel.engine");
    private static final java.util.regex.Pattern PRINTABLE_ID = java.util.regex.Pattern.compile("[\\x21-\\x7e]*");

    private final CseSettings settings;
    private final EngineParts parts;
    private final CreateOperation create;
    private final RetrieveOperation retrieve;
    private final UpdateOperation update;
    private final DeleteOperation delete;
    private final NotifyOperation notify;
    private final FanOutOperation fanOut;
    private final NonBlockingRequests nonBlocking;
    private final Announcer announcer;
    private final PollingChannels pollingChannels;
    private final PollingChannelOperation polling;
    private final ExpiryReaper reaper;
    private final TokenService tokens;
    private final RoleDirectory roles;
    private final RevocationList revocations;
    private final SubscriptionIndex subscriptions;
    private final RemoteCseIndex remotes;
    private final Notifier notifier;
    private final Forwarder forwarder;
    private final OutboundRequests outbound;
    private volatile RegistrarLink registrarLink;
    private final EntityConnections connections;

    public Cse(CseSettings settings, ResourceStore store) {
        this(settings, store, SecurityOptions.none());
    }

    public Cse(CseSettings settings, ResourceStore store, SecurityOptions security) {
        this.settings = settings;
        OriginatorIds ids = new OriginatorIds(settings.cseId(), settings.spId());
        security = security.withAudit(security.audit().namingAdministrator(administratorSpellings(settings, ids)));
        this.revocations = security.revocations();
        ResourceSchema schema = ResourceSchema.standard();
        ResourceRepository repository = new ResourceRepository(store, 200_000);
        this.pollingChannels = new PollingChannels(repository);
        this.subscriptions = new SubscriptionIndex();
        this.remotes = new RemoteCseIndex();
        store.setChangeListener(changes -> {
            repository.committed(changes);
            subscriptions.committed(changes);
            remotes.committed(changes);
            changes.stream().filter(ChangeListener.Change::deleted).forEach(c -> pollingChannels.deleted(c.resource()));
            RegistrarLink link = registrarLink;
            if (link != null && changes.stream().anyMatch(c -> c.resource().type() == ResourceType.REMOTE_CSE)) {
                link.wake();
            }
        });
        subscriptions.load(store);
        remotes.load(store);
        TokenVerifier verifier = new TokenVerifier(security.trustedIssuers(), security.decryptionKeys(), ids,
                Duration.ofSeconds(5));
        this.tokens = new TokenService(verifier, security.revocations());
        Addressing addressing = new Addressing(settings, repository);
        this.roles = new RoleDirectory(settings, repository, verifier, ids);
        DistributedAuthorization distributed = new DistributedAuthorization(settings, repository, addressing, ids,
                security, tokens, roles);
        this.forwarder = new Forwarder(settings, remotes, security.outbound(), Duration.ofSeconds(10));
        AeBehaviour ae = new AeBehaviour(Ids::next, ids::normalize);
        Representation representation = new Representation(schema);
        NotificationTargets targets = new NotificationTargets(settings, repository, ids);
        this.connections = new EntityConnections(ids::normalize);
        EntityDelivery entities = new EntityDelivery(security.outbound(), pollingChannels, connections);
        NotifyRequests notifyRequests = new NotifyRequests(settings, targets, security.outbound(), remotes, entities);
        NotificationDispatcher dispatcher = new NotificationDispatcher(notifyRequests, DispatchSettings.defaults());
        connections.onBind(dispatcher::wakeParked);
        this.notifier = new Notifier(settings, store, subscriptions, dispatcher, representation);
        this.nonBlocking = new NonBlockingRequests(settings, store, dispatcher);
        Map<ResourceType, TypeBehaviour> behaviours = new EnumMap<>(ResourceType.class);
        for (TypeBehaviour b : List.of(ae, new ContainerBehaviour(), new ContentInstanceBehaviour(),
                new AccessControlPolicyBehaviour(ids), FixedBehaviour.plain(ResourceType.DYNAMIC_AUTHORIZATION_CONSULTATION),
                FixedBehaviour.plain(ResourceType.ROLE), FixedBehaviour.plain(ResourceType.TOKEN),
                FixedBehaviour.plain(ResourceType.AUTHORIZATION_DECISION),
                FixedBehaviour.plain(ResourceType.AUTHORIZATION_POLICY),
                FixedBehaviour.plain(ResourceType.AUTHORIZATION_INFORMATION),
                new SubscriptionBehaviour(EventCriteria::parse),
                new RemoteCseBehaviour(settings.cseId(), Cse::isCseId),
                new GroupBehaviour(new GroupMembers(forwarder, targets, ids)),
                FixedBehaviour.cseMade(ResourceType.REQUEST),
                new AnnouncedBehaviour(ResourceType.ACCESS_CONTROL_POLICY_ANNC, Cse::isCseId, ids::normalize),
                new AnnouncedBehaviour(ResourceType.AE_ANNC, Cse::isCseId, ids::normalize),
                new AnnouncedBehaviour(ResourceType.CONTAINER_ANNC, Cse::isCseId, ids::normalize),
                new AnnouncedBehaviour(ResourceType.CONTENT_INSTANCE_ANNC, Cse::isCseId, ids::normalize),
                FixedBehaviour.plain(ResourceType.POLLING_CHANNEL),
                FixedBehaviour.unchangeable(ResourceType.CSE_BASE))) {
            behaviours.put(b.type(), b);
        }
        AccessControl accessControl = new AccessControl(settings, repository, ids, security,
                new DynamicAuthorization(settings, store, repository, schema, tokens, security), distributed);
        this.announcer = new Announcer(settings, schema, repository, security.outbound(), () -> registrarLink);
        notifier.observeWith(announcer::changed);
        this.parts = new EngineParts(settings, schema, store, repository, addressing, accessControl,
                new AcpiValidator(addressing), representation, behaviours, ae, distributed, notifier,
                new SubscriptionVerification(targets, notifyRequests, accessControl, Duration.ofSeconds(5)), announcer);
        this.create = new CreateOperation(parts);
        this.retrieve = new RetrieveOperation(parts);
        this.update = new UpdateOperation(parts);
        this.delete = new DeleteOperation(parts);
        this.notify = new NotifyOperation(parts, entities, Duration.ofSeconds(5));
        this.polling = new PollingChannelOperation(parts, pollingChannels, Duration.ofSeconds(30));
        this.outbound = security.outbound();
        this.fanOut = new FanOutOperation(parts, this::handle, Duration.ofSeconds(15));

        notifier.deleteWith(ri -> delete.delete(ri, null).isPresent());
        new CseBootstrap(settings, schema, store, repository).ensureCseBase();
        this.reaper = new ExpiryReaper(store, delete);
    }

    /** The administrator originator as configured, normalised (SP-relative) and absolute: a secret in every form. */
    public static List<String> administratorSpellings(CseSettings settings, OriginatorIds ids) {
        String normalized = ids.normalize(settings.administrator());
        return List.of(settings.administrator(), normalized, ids.absolute(normalized));
    }

    /** The connections registered entities keep open here (bindings with two-way connections bind them). */
    public EntityConnections connections() {
        return connections;
    }

    public CseSettings settings() {
        return settings;
    }

    /** Handles one request. Never throws: every failure becomes an error response with {@code m2m:dbg}. */
    public ResponsePrimitive handle(RequestPrimitive request, RequestContext ctx) {
        try {
            validate(request, ctx);
            String normalized = request.from() == null || request.from().isEmpty() ? ""
                    : parts.accessControl().ids().normalize(request.from());
            // Identified here before anything is stored, queued or sent on the originator's behalf.
            Authentication authentication = authenticate(request, normalized, ctx);
            if (request.isNonBlocking()) {
                return nonBlocking.accept(request, normalized, ctx, this::handle);
            }
            java.util.Optional<String> elsewhere = forwarder.remoteTarget(request.to());
            if (elsewhere.isPresent()) {
                return forwarder.forward(request, normalized, elsewhere.get(), ctx.receivedAt());
            }
            List<String> stored = roles.storedTokens(request.tokenIds());
            if (stored.size() < request.tokenIds().size()) {
                throw new OneM2mException(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE,
                        "token rejected: a token ID in tids names no <token> in this CSE's token repository");
            }
            TokenService.Admitted admitted = tokens.admit(request, stored, normalized, ctx.receivedAt());
            Originator originator = identify(request, normalized, authentication, admitted, ctx);
            Target target = parts.addressing().resolve(request.to());
            awaitExecutionTime(request);
            ResponsePrimitive response = target.virtual() == Target.Virtual.FAN_OUT
                    ? fanOut.execute(request, originator, target, ctx)
                    : target.virtual() == Target.Virtual.POLLING ? polling.execute(request, originator, target)
                    : switch (request.operation()) {
                case CREATE -> create.execute(request, originator, target, ctx);
                case RETRIEVE -> retrieve.execute(request, originator, target, ctx);
                case UPDATE -> update.execute(request, originator, target, ctx);
                case DELETE -> delete.execute(request, originator, target, ctx);
                case NOTIFY -> notify.execute(request, originator, target, ctx);
            };
            Instant rset = request.handling().resultExpiration();
            if (rset != null && Instant.now().isAfter(rset)) {
                return ResponsePrimitive.error(ResponseStatusCode.REQUEST_TIMEOUT, request.requestId(),
                        request.releaseVersion(), "the result was ready after its expiration time (rset) and is withheld");
            }
            return admitted.assigned().isEmpty() ? response : response.withAssignedTokenIds(admitted.assigned());
        } catch (OneM2mException e) {
            if (e.content() != null) {
                return ResponsePrimitive.error(e.status(), request.requestId(), request.releaseVersion(), e.content());
            }
            return ResponsePrimitive.error(e.status(), request.requestId(), request.releaseVersion(), e.getMessage());
        } catch (StoreException e) {
            String incident = UUID.randomUUID().toString();
            LOG.log(Level.ERROR, "storage failure, incident " + incident, e);
            return ResponsePrimitive.error(ResponseStatusCode.INTERNAL_SERVER_ERROR, request.requestId(),
                    request.releaseVersion(), "storage failure (incident " + incident + ")");
        } catch (RuntimeException e) {
            String incident = UUID.randomUUID().toString();
            LOG.log(Level.ERROR, "unexpected failure, incident " + incident, e);
            return ResponsePrimitive.error(ResponseStatusCode.INTERNAL_SERVER_ERROR, request.requestId(),
                    request.releaseVersion(), "internal error (incident " + incident + ")");
        }
    }

    /** Receiver checks that need no resource (TS-0004 §7.3.2.1 steps 1-7). */
    private static void validate(RequestPrimitive req, RequestContext ctx) {
        if (req.requestId() == null || req.requestId().isEmpty()) {
            throw OneM2mException.badRequest("Request Identifier (rqi / X-M2M-RI) is missing");
        }
        if (req.requestId().length() > 256) {
            throw OneM2mException.badRequest("Request Identifier is longer than 256 characters");
        }
        if (req.releaseVersion() == null) {
            throw new OneM2mException(ResponseStatusCode.RELEASE_VERSION_NOT_SUPPORTED,
                    "Release Version Indicator (rvi / X-M2M-RVI) missing: Release 1 is not supported; use one of "
                            + ReleaseVersion.SUPPORTED);
        }
        if (!ReleaseVersion.isSupported(req.releaseVersion())) {
            throw new OneM2mException(ResponseStatusCode.RELEASE_VERSION_NOT_SUPPORTED,
                    "release version '" + req.releaseVersion() + "' is not supported; use one of " + ReleaseVersion.SUPPORTED);
        }
        if (req.requestExpiration() != null && !req.requestExpiration().isAfter(ctx.receivedAt())) {
            throw new OneM2mException(ResponseStatusCode.REQUEST_TIMEOUT, "the request expired before it was received");
        }
        validateHandling(req, ctx.receivedAt());
        boolean aeRegistration = req.operation() == Operation.CREATE && req.resourceType() != null
                && req.resourceType() == ResourceType.AE.code();
        if ((req.from() == null || req.from().isEmpty()) && !aeRegistration) {
            throw OneM2mException.badRequest("'From' (X-M2M-Origin) is missing");
        }
        if (req.from() != null && (req.from().length() > 1024 || !PRINTABLE_ID.matcher(req.from()).matches())) {
            throw OneM2mException.badRequest("'From' is not a valid identifier");
        }
        if (req.operation() == Operation.CREATE && req.resourceType() == null) {
            throw OneM2mException.badRequest("CREATE needs the resource type (ty)");
        }
        if (req.operation() != Operation.CREATE && req.resourceType() != null) {
            throw OneM2mException.badRequest("resource type (ty) is only allowed in CREATE");
        }
        if (req.resultContent() != null) {
            ResultContent rcn = ResultContent.of(req.resultContent())
                    .orElseThrow(() -> OneM2mException.badRequest("unsupported rcn " + req.resultContent()));
            if (!rcn.isValidFor(req.operation(), req.isDiscovery())) {
                throw OneM2mException.badRequest("rcn " + rcn.code() + " is not valid for this operation");
            }
        }
        if (req.filterCriteria() != null && req.operation() == Operation.CREATE) {
            throw OneM2mException.badRequest("filter criteria are not allowed in CREATE");
        }
    }

    /** The longest an operation execution time ({@code oet}) may lie ahead. */
    static final Duration MAX_EXECUTION_DELAY = Duration.ofSeconds(30);

    /** {@code rset}, {@code oet}, {@code ec} (TS-0004 §7.3.2.1): consistent with {@code rqet} and in range. */
    private static void validateHandling(RequestPrimitive req, Instant now) {
        RequestPrimitive.Handling h = req.handling();
        Integer ec = h.eventCategory();
        if (ec != null && !(ec >= 2 && ec <= 4) && !(ec >= 100 && ec <= 999)) {
            throw OneM2mException.badRequest("event category (ec) must be 2, 3, 4 or 100-999");
        }
        if (h.resultExpiration() != null) {
            if (req.requestExpiration() != null && h.resultExpiration().isBefore(req.requestExpiration())) {
                throw OneM2mException.badRequest("result expiration (rset) must not be before request expiration (rqet)");
            }
            if (!h.resultExpiration().isAfter(now)) {
                throw new OneM2mException(ResponseStatusCode.REQUEST_TIMEOUT, "the result expiration time (rset) has passed");
            }
        }
        if (h.operationExecution() != null) {
            if (req.requestExpiration() != null && h.operationExecution().isAfter(req.requestExpiration())) {
                throw OneM2mException.badRequest("operation execution time (oet) is after the request expiration (rqet)");
            }
            if (h.operationExecution().isAfter(now.plus(MAX_EXECUTION_DELAY))) {
                throw new OneM2mException(ResponseStatusCode.NOT_IMPLEMENTED,
                        "an operation execution time (oet) more than " + MAX_EXECUTION_DELAY.toSeconds() + " s ahead is not supported");
            }
        }
    }

    /** Waits until the operation execution time, when one lies ahead (at most {@link #MAX_EXECUTION_DELAY}). */
    private static void awaitExecutionTime(RequestPrimitive req) {
        Instant oet = req.handling().operationExecution();
        if (oet == null) {
            return;
        }
        long millis = Duration.between(Instant.now(), oet).toMillis();
        if (millis > 0) {
            try {
                Thread.sleep(Math.min(millis, MAX_EXECUTION_DELAY.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OneM2mException(ResponseStatusCode.REQUEST_TIMEOUT, "interrupted while waiting for oet");
            }
        }
    }

    /**
     * What the identify stage proved about the originator before the request goes anywhere: whether a security
     * association vouches for it, and its {@code <AE>} when it is one of this CSE's AEs.
     */
    private record Authentication(boolean authenticated, boolean admin, boolean cse, java.util.Optional<Resource> ae) {
    }

    /**
     * Identify stage, first part, run for every request whatever its target (a forwarded, non-blocking or
     * fanned-out request leaves this CSE on the originator's behalf, so it must be identified here exactly as
     * a local one): binds the originator to what the hop's security association proved (TS-0003 §7.2.1,
     * digest §3.6).
     * <ul>
     * <li>With an association: {@code From} must be one of the IDs bound to the credential (also for AE
     * registration), else 4106; such an originator is authenticated (feeds {@code acaf}).</li>
     * <li>Without one: a CSE-ID as {@code From} gets 4107, unless the operator listed it as an insecure
     * peer (lab setups); an AE-ID must be allowed to act unsecured ({@link #requireUnsecuredAeMayAct}).</li>
     * </ul>
     */
    private Authentication authenticate(RequestPrimitive req, String normalized, RequestContext ctx) {
        boolean authenticated = bindToAssociation(req, normalized, ctx);
        if (req.from() == null || req.from().isEmpty()) {
            return new Authentication(false, false, false, java.util.Optional.empty());
        }
        boolean admin = normalized.equals(parts.accessControl().ids().normalize(settings.administrator()));
        boolean cse = isCseId(normalized);
        java.util.Optional<Resource> ae = cse ? java.util.Optional.empty() : registeredAe(normalized);
        if (!authenticated && !admin && !cse && !isAeRegistration(req)) {
            requireUnsecuredAeMayAct(normalized, ae);
        }
        return new Authentication(authenticated, admin, cse, ae);
    }

    /** Identify stage, second part, for requests handled here: collects the originator's tokens and roles. */
    private Originator identify(RequestPrimitive req, String normalized, Authentication auth,
                                TokenService.Admitted admitted, RequestContext ctx) {
        String raw = req.from();
        if (raw == null || raw.isEmpty()) {
            return new Originator(raw, "", false, false, List.of(), false, java.util.Set.of());
        }
        boolean registered = auth.admin() || auth.ae().isPresent() || auth.cse() && remotes.byCseId(normalized).isPresent();
        return new Originator(raw, normalized, auth.authenticated(), registered, admitted.tokens(),
                req.tokenRequestIndicator(), roles.validRoles(req.roleIds(), normalized, ctx.receivedAt()));
    }

    static boolean isAeRegistration(RequestPrimitive req) {
        return req.operation() == Operation.CREATE && req.resourceType() != null
                && req.resourceType() == ResourceType.AE.code();
    }

    /**
     * An AE-ID as {@code From} without a security association (TS-0004 §7.3.2.1, digest §3.6): one of this
     * CSE's AE-IDs that is not registered here → 4106; an AE that registered over a security association
     * → 4107 (it may not fall back to an unsecured hop, which would let anyone on that hop claim it); an AE of
     * another CSE → 4106, since it can only come through its CSE, over an association, unless the operator
     * runs a lab hierarchy without TLS ({@code --insecure-cse-peers}).
     */
    private void requireUnsecuredAeMayAct(String normalized, java.util.Optional<Resource> registered) {
        if (registered.isPresent()) {
            if (registered.get().get(SECURED_REGISTRATION) != null) {
                throw new OneM2mException(ResponseStatusCode.SECURITY_ASSOCIATION_REQUIRED,
                        "this AE registered over a security association; its requests must come over one too");
            }
            return;
        }
        if (ownStem(normalized) != null) {
            throw new OneM2mException(ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED,
                    "'From' names an AE that is not registered with this CSE; register it first");
        }
        if (settings.insecureCsePeers().isEmpty()) {
            throw new OneM2mException(ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED,
                    "'From' names an AE of another CSE, which reaches this CSE only through its CSE over a security association");
        }
    }

    /** Hidden attribute of an {@code <AE>}: the Credential-ID of the association it registered over. */
    static final String SECURED_REGISTRATION = Representation.HIDDEN_PREFIX + "registeredOver";

    /**
     * The originator checked against the hop's security association; true when the association proves it.
     * A CSE peer may also relay for the entities behind it: a registree for its own AEs and its descendant
     * CSEs ({@code dcse}) and their AEs, the registrar for anyone not on our side of it.
     */
    private boolean bindToAssociation(RequestPrimitive req, String normalized, RequestContext ctx) {
        SecurityAssociation sa = ctx.association();
        if (req.from() == null || req.from().isEmpty()) {
            if (sa != null) {
                throw new OneM2mException(ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED,
                        "over a security association the AE-ID to register must be given in 'From'");
            }
            return false;
        }
        if (sa != null && !sa.allows(normalized) && !relayedBy(sa, normalized)) {
            throw new OneM2mException(ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED,
                    "'From' is not an identity of the credential this connection authenticated (" + sa.credentialId() + ")");
        }
        if (sa == null && isCseId(normalized) && !settings.insecureCsePeers().contains(normalized)) {
            throw new OneM2mException(ResponseStatusCode.SECURITY_ASSOCIATION_REQUIRED,
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
            if (fromRegistrar && !originator.equals(own) && !originator.startsWith(own + "/")
                    && remotes.descendants().stream().noneMatch(d -> remotes.isBehind(d, originator))) {
                return true;
            }
        }
        return false;
    }

    /** A CSE-ID in normalised form: {@code /cse} (not an S-stem AE) or {@code //sp/cse}. */
    static boolean isCseId(String normalized) {
        if (normalized.startsWith("//")) {
            int slash = normalized.indexOf('/', 2);
            return slash > 2 && normalized.indexOf('/', slash + 1) < 0 && !normalized.startsWith("S", slash + 1);
        }
        return normalized.startsWith("/") && normalized.length() > 1 && normalized.indexOf('/', 1) < 0
                && normalized.charAt(1) != 'S';
    }

    /** The AE-ID-Stem of one of this CSE's AE-IDs ({@code /cse/Cx}, {@code /Sx}); null for any other ID. */
    private String ownStem(String normalized) {
        String prefix = settings.cseId() + "/";
        String stem = normalized.startsWith(prefix) ? normalized.substring(prefix.length())
                : normalized.startsWith("/S") ? normalized.substring(1) : null;
        return stem == null || stem.isEmpty() || stem.contains("/") ? null : stem;
    }

    private java.util.Optional<Resource> registeredAe(String normalized) {
        String stem = ownStem(normalized);
        if (stem == null) {
            return java.util.Optional.empty();
        }
        return parts.repository().findById(stem).filter(r -> r.type() == ResourceType.AE);
    }

    /**
     * Registers this CSE with its registrar and keeps the registration alive (see {@link RegistrarLink});
     * {@code ownPointOfAccess} is where the registrar and others reach this CSE.
     */
    public void registerWith(String registrarCseId, String registrarPointOfAccess, Duration keepAlive,
                             List<String> ownPointOfAccess) {
        if (registrarLink != null) {
            throw new IllegalStateException("already registering with " + registrarCseId);
        }
        registrarLink = new RegistrarLink(settings, new RegistrarLink.Registrar(registrarCseId, registrarPointOfAccess,
                keepAlive), outbound, parts.store(), remotes, ownPointOfAccess);
    }

    /** True once the registration with the registrar succeeded (and until it is found gone). */
    public boolean registered() {
        RegistrarLink link = registrarLink;
        return link != null && link.registered();
    }

    /** Sets the CSEBase {@code poa} once the bindings know their ports. */
    public void pointOfAccess(List<String> poa) {
        Writes.await(parts.store().write(tx -> {
            tx.findById(settings.cseBaseId()).ifPresent(cb -> tx.update(cb.with(java.util.Map.of("poa", List.copyOf(poa)))));
            return null;
        }));
    }

    /** Revokes a token: it is refused from now on, cached or presented again. */
    public void revokeToken(String tokenId) {
        revocations.revoke(tokenId);
    }

    /** Deletes every resource and recreates the CSEBase (Upper Tester "Reset"). */
    public void reset() {
        parts.store().wipe();
        parts.repository().clear();
        subscriptions.clear();
        remotes.clear();
        notifier.reset();
        new CseBootstrap(settings, parts.schema(), parts.store(), parts.repository()).ensureCseBase();
    }

    /** The CSEBase as stored. */
    public Resource cseBase() {
        return parts.repository().findByPath(settings.cseName()).orElseThrow();
    }

    /** Runs one expiry pass now (the reaper also runs every second); returns how many were deleted. */
    public int expireNow(Instant now) {
        return reaper.reap(now);
    }

    @Override
    public void close() {
        RegistrarLink link = registrarLink;
        if (link != null) {
            link.close();
        }
        reaper.close();
        fanOut.close();
        announcer.close();
        nonBlocking.close();
        notifier.close();
    }
}
