package io.citadel.engine;

import io.citadel.engine.authorization.AccessControl;
import io.citadel.engine.authorization.AcpiValidator;
import io.citadel.engine.authorization.DistributedAuthorization;
import io.citadel.engine.authorization.DynamicAuthorization;
import io.citadel.engine.authorization.RoleDirectory;
import io.citadel.engine.authorization.SecurityOptions;
import io.citadel.engine.authorization.TokenService;
import io.citadel.engine.hierarchy.Announcer;
import io.citadel.engine.hierarchy.EntityConnections;
import io.citadel.engine.hierarchy.EntityDelivery;
import io.citadel.engine.hierarchy.Forwarder;
import io.citadel.engine.hierarchy.GroupMembers;
import io.citadel.engine.hierarchy.RemoteCseIndex;
import io.citadel.engine.notification.DispatchSettings;
import io.citadel.engine.notification.EventCriteria;
import io.citadel.engine.notification.NonBlockingRequests;
import io.citadel.engine.notification.NotificationDispatcher;
import io.citadel.engine.notification.NotificationTargets;
import io.citadel.engine.notification.Notifier;
import io.citadel.engine.notification.NotifyRequests;
import io.citadel.engine.notification.PollingChannels;
import io.citadel.engine.notification.SubscriptionIndex;
import io.citadel.engine.notification.SubscriptionVerification;
import io.citadel.engine.operations.CreateOperation;
import io.citadel.engine.operations.DeleteOperation;
import io.citadel.engine.operations.EngineParts;
import io.citadel.engine.operations.FanOutOperation;
import io.citadel.engine.operations.NotifyOperation;
import io.citadel.engine.operations.PollingChannelOperation;
import io.citadel.engine.operations.RetrieveOperation;
import io.citadel.engine.operations.UpdateOperation;
import io.citadel.engine.pipeline.AuthorizeStage;
import io.citadel.engine.pipeline.CredentialsStage;
import io.citadel.engine.pipeline.ExecutionTimeStage;
import io.citadel.engine.pipeline.ForwardStage;
import io.citadel.engine.pipeline.IdentifyStage;
import io.citadel.engine.pipeline.NonBlockingStage;
import io.citadel.engine.pipeline.OperateStage;
import io.citadel.engine.pipeline.Pipeline;
import io.citadel.engine.pipeline.PrimitiveHandler;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.engine.pipeline.ResultExpirationStage;
import io.citadel.engine.pipeline.StageNames;
import io.citadel.engine.pipeline.TargetStage;
import io.citadel.engine.pipeline.ValidateStage;
import io.citadel.engine.resources.Addressing;
import io.citadel.engine.resources.CseBootstrap;
import io.citadel.engine.resources.ExpiryReaper;
import io.citadel.engine.resources.Ids;
import io.citadel.engine.resources.Representation;
import io.citadel.engine.resources.ResourceRepository;
import io.citadel.engine.store.ChangeListener;
import io.citadel.engine.store.ResourceStore;
import io.citadel.engine.types.AccessControlPolicyBehaviour;
import io.citadel.engine.types.AeBehaviour;
import io.citadel.engine.types.AnnouncedBehaviour;
import io.citadel.engine.types.ContainerBehaviour;
import io.citadel.engine.types.ContentInstanceBehaviour;
import io.citadel.engine.types.FirmwareSignatures;
import io.citadel.engine.types.FixedBehaviour;
import io.citadel.engine.types.GroupBehaviour;
import io.citadel.engine.types.MgmtObjBehaviour;
import io.citadel.engine.types.RemoteCseBehaviour;
import io.citadel.engine.types.SubscriptionBehaviour;
import io.citadel.engine.types.TypeBehaviour;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.schema.ResourceSchema;
import io.citadel.security.OriginatorIds;
import io.citadel.security.TokenVerifier;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Wires a {@link Cse}: its indexes, services, resource behaviours, operations and the request pipeline
 * (validate → identify → non-blocking → forward → result expiration → credentials → target → execution time →
 * authorize → operate; see {@link StageNames}). {@link #stages} lets a caller add a stage anywhere in that composition.
 * Not thread-safe; build once.
 */
public final class CseBuilder {
    private final CseSettings settings;
    private final ResourceStore store;
    private SecurityOptions security = SecurityOptions.none();
    private FirmwareSignatures firmwareUpdates = FirmwareSignatures.NONE;
    private final List<Consumer<Pipeline.Builder>> customizations = new ArrayList<>();
    private io.citadel.e2e.esprim.PairwiseKeys esprimKeys = (kid, now) -> java.util.Optional.empty();
    /** The ESPrim SUIDs advertised in the CSEBase's esi; none: no esi (an absent esi says: no end-to-end security). */
    private List<Integer> esprimSuids = List.of();

    private io.citadel.e2e.escertke.EsCertKeTerminal escertke;
    private List<java.security.cert.X509Certificate> esdataAnchors = List.of();
    private java.util.function.Predicate<java.security.cert.X509Certificate> esdataRevoked = c -> false;
    private java.security.cert.X509Certificate escertkeCertificate;

    private io.citadel.engine.privacy.SubjectAccessLog accessLog =
            new io.citadel.engine.privacy.InMemorySubjectAccessLog();

    private io.citadel.e2e.esprim.EsprimReceiver.Settings esprimSettings =
            io.citadel.e2e.esprim.EsprimReceiver.Settings.defaults();

    CseBuilder(CseSettings settings, ResourceStore store) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = Objects.requireNonNull(store, "store");
    }

    /** Trusted token issuers, outbound connections, audit, locations and revocations (default: none). */
    public CseBuilder security(SecurityOptions options) {
        this.security = Objects.requireNonNull(options, "options");
        return this;
    }

    /** The keys whose signature a firmware update ([firmware] {@code ud} true) needs (default: none, so none is accepted). */
    public CseBuilder firmwareUpdateKeys(List<java.security.PublicKey> keys) {
        this.firmwareUpdates = new FirmwareSignatures(keys);
        return this;
    }

    /**
     * The pairwise ESPrim keys this CSE accepts as a receiver and how it runs ESPrim (default: no keys, so every
     * ESPrim object is 4112).
     */
    public CseBuilder esprim(
            io.citadel.e2e.esprim.PairwiseKeys keys, io.citadel.e2e.esprim.EsprimReceiver.Settings esprim) {
        this.esprimKeys = Objects.requireNonNull(keys, "keys");
        this.esprimSettings = Objects.requireNonNull(esprim, "esprim");
        this.esprimSuids = List.of(13);
        return this;
    }

    /** As {@link #esprim(io.citadel.e2e.esprim.PairwiseKeys, io.citadel.e2e.esprim.EsprimReceiver.Settings)}, advertising
     * {@code suids} (ESPrim SUIDs: 13 configured keys, 23 keys a MEF provisions) in the CSEBase's {@code esi}. */
    public CseBuilder esprim(
            io.citadel.e2e.esprim.PairwiseKeys keys,
            io.citadel.e2e.esprim.EsprimReceiver.Settings esprim,
            List<Integer> suids) {
        esprim(keys, esprim);
        this.esprimSuids = List.copyOf(suids);
        return this;
    }

    /**
     * ESCertKE at this CSE as the terminator: {@code terminal} answers sit 6 NOTIFYs to the CSEBase, and the keys it
     * agrees are ESPrim pairwise keys (SUID 43) beside the configured ones; {@code certificate} (this CSE's ESCertKE
     * certificate) is published in the CSEBase's {@code esi} ({@code escert}).
     */
    public CseBuilder escertke(
            io.citadel.e2e.escertke.EsCertKeTerminal terminal, java.security.cert.X509Certificate certificate) {
        this.escertke = Objects.requireNonNull(terminal, "terminal");
        this.escertkeCertificate = Objects.requireNonNull(certificate, "certificate");
        return this;
    }

    /**
     * The issuers whose certificates this CSE takes for ESData signers: a container with {@code esdp} 2 then stores
     * only content signed by its originator's certificate (default: none, and no container may ask for it).
     */
    public CseBuilder esdataTrust(List<java.security.cert.X509Certificate> anchors) {
        return esdataTrust(anchors, c -> false);
    }

    /** As {@link #esdataTrust(List)}, refusing signers whose certificate {@code revoked} says is revoked. */
    public CseBuilder esdataTrust(
            List<java.security.cert.X509Certificate> anchors,
            java.util.function.Predicate<java.security.cert.X509Certificate> revoked) {
        this.esdataAnchors = List.copyOf(anchors);
        this.esdataRevoked = Objects.requireNonNull(revoked, "revoked");
        return this;
    }

    /**
     * Where the data subjects' access logs are kept (default: in memory, the newest 10,000 entries per subject); the
     * CSE closes it when it closes.
     */
    public CseBuilder accessLog(io.citadel.engine.privacy.SubjectAccessLog log) {
        this.accessLog = Objects.requireNonNull(log, "log");
        return this;
    }

    /** Changes the standard stage composition, e.g. {@code p -> p.before(StageNames.VALIDATE, "unwrap", stage)}. */
    public CseBuilder stages(Consumer<Pipeline.Builder> customization) {
        customizations.add(Objects.requireNonNull(customization, "customization"));
        return this;
    }

    /** Builds the CSE: loads its indexes from the store and creates the CSEBase when there is none. */
    public Cse build() {
        OriginatorIds ids = new OriginatorIds(settings.cseId(), settings.spId());
        SecurityOptions options =
                security.withAudit(security.audit().namingAdministrator(Cse.administratorSpellings(settings, ids)));
        ResourceSchema schema = ResourceSchema.standard();
        ResourceRepository repository = new ResourceRepository(store, 200_000);
        PollingChannels pollingChannels = new PollingChannels(repository);
        SubscriptionIndex subscriptions = new SubscriptionIndex();
        RemoteCseIndex remotes = new RemoteCseIndex();
        Cse.Links links = new Cse.Links();
        store.setChangeListener(changes -> {
            repository.committed(changes);
            subscriptions.committed(changes);
            remotes.committed(changes);
            changes.stream().filter(ChangeListener.Change::deleted).forEach(c -> pollingChannels.deleted(c.resource()));
            if (changes.stream().anyMatch(c -> c.resource().type() == ResourceType.REMOTE_CSE)) {
                links.wakeRegistrar();
            }
        });
        subscriptions.load(store);
        remotes.load(store);
        TokenVerifier verifier =
                new TokenVerifier(options.trustedIssuers(), options.decryptionKeys(), ids, Duration.ofSeconds(5));
        TokenService tokens = new TokenService(verifier, options.revocations());
        Addressing addressing = new Addressing(settings, repository);
        RoleDirectory roles = new RoleDirectory(settings, repository, verifier, ids);
        DistributedAuthorization distributed =
                new DistributedAuthorization(settings, repository, addressing, ids, options, tokens, roles);
        Forwarder forwarder = new Forwarder(settings, remotes, options.outbound(), Duration.ofSeconds(10));
        AeBehaviour ae = new AeBehaviour(Ids::next, ids::normalize);
        Representation representation = new Representation(schema);
        NotificationTargets targets = new NotificationTargets(settings, repository, ids);
        EntityConnections connections = new EntityConnections(ids::normalize);
        EntityDelivery entities = new EntityDelivery(options.outbound(), pollingChannels, connections);
        io.citadel.e2e.esprim.PairwiseKeys configuredKeys = esprimKeys;
        io.citadel.e2e.escertke.EsCertKeTerminal agreedKeys = escertke;
        io.citadel.e2e.esprim.PairwiseKeys allKeys =
                agreedKeys == null ? configuredKeys : configuredKeys.or(agreedKeys);
        // always there: a key added while the CSE runs can seal the notifications of subscriptions that ask for it
        io.citadel.engine.e2e.EsprimSender esprimSender = new io.citadel.engine.e2e.EsprimSender(
                allKeys, ids, settings.cseId(), esprimSettings.input(), Clock.systemUTC());
        NotifyRequests notifyRequests =
                new NotifyRequests(settings, targets, options.outbound(), remotes, entities, esprimSender);
        NotificationDispatcher dispatcher = new NotificationDispatcher(notifyRequests, DispatchSettings.defaults());
        connections.onBind(dispatcher::wakeParked);
        Notifier notifier = new Notifier(settings, store, subscriptions, dispatcher, representation);
        NonBlockingRequests nonBlocking = new NonBlockingRequests(settings, store, dispatcher);
        io.citadel.engine.privacy.DataSubjects dataSubjects =
                new io.citadel.engine.privacy.DataSubjects(repository, ids, Cse.administratorSpellings(settings, ids));
        AccessControl accessControl = new AccessControl(
                settings,
                repository,
                ids,
                options,
                new DynamicAuthorization(settings, store, repository, schema, tokens, options),
                distributed,
                new io.citadel.engine.privacy.SubjectAccessRecorder(
                        dataSubjects, accessLog, dataSubjects.administratorSpellings(), Clock.systemUTC()));
        Announcer announcer = new Announcer(settings, schema, repository, options.outbound(), links::registrar);
        notifier.observeWith(announcer::changed);
        EngineParts parts = new EngineParts(
                settings,
                schema,
                store,
                repository,
                addressing,
                accessControl,
                new AcpiValidator(addressing),
                representation,
                behaviours(ids, forwarder, targets, ae),
                ae,
                distributed,
                notifier,
                new SubscriptionVerification(targets, notifyRequests, accessControl, Duration.ofSeconds(5)),
                announcer);
        PipelineReference self = new PipelineReference();
        DeleteOperation delete = new DeleteOperation(parts);
        FanOutOperation fanOut = new FanOutOperation(parts, self::handle, Duration.ofSeconds(15));
        OperateStage.Operations operations = new OperateStage.Operations(
                new CreateOperation(parts),
                new RetrieveOperation(parts),
                new UpdateOperation(parts),
                delete,
                new NotifyOperation(parts, entities, Duration.ofSeconds(5)),
                fanOut,
                new PollingChannelOperation(parts, pollingChannels, Duration.ofSeconds(30)),
                new io.citadel.engine.operations.AccessLogOperation(ids, accessLog, 1000));
        io.citadel.e2e.esprim.EsprimReceiver esprimReceiver =
                new io.citadel.e2e.esprim.EsprimReceiver(allKeys, esprimSettings, Clock.systemUTC());
        Pipeline.Builder stages = Pipeline.builder()
                .then(StageNames.VALIDATE, new ValidateStage())
                .then(StageNames.IDENTIFY, new IdentifyStage(settings, ids, repository, remotes))
                .then(StageNames.NON_BLOCKING, new NonBlockingStage(nonBlocking, self))
                .then(StageNames.FORWARD, new ForwardStage(forwarder))
                .then(StageNames.RESULT_EXPIRATION, new ResultExpirationStage(Clock.systemUTC()))
                .then(StageNames.CREDENTIALS, new CredentialsStage(tokens, roles, remotes))
                .then(StageNames.TARGET, new TargetStage(addressing))
                .then(
                        StageNames.ESPRIM,
                        new io.citadel.engine.pipeline.EsprimStage(esprimReceiver, forwarder, ids, self::handle))
                .then(StageNames.ESCERTKE, new io.citadel.engine.pipeline.EsCertKeStage(escertke))
                .then(StageNames.EXECUTION_TIME, new ExecutionTimeStage())
                .then(StageNames.AUTHORIZE, new AuthorizeStage(operations, accessControl))
                .then(StageNames.OPERATE, new OperateStage());
        customizations.forEach(c -> c.accept(stages));
        Pipeline pipeline = stages.build();
        self.set(pipeline);
        notifier.deleteWith(ri -> delete.delete(ri, null).isPresent());
        new CseBootstrap(settings, schema, store, repository).ensureCseBase();
        List<Integer> suids = new ArrayList<>(esprimSuids);
        if (escertke != null) {
            suids.add(io.citadel.e2e.escertke.EsCertKeTerminal.SUID);
        }
        io.citadel.engine.e2e.SecurityInfoPublisher esi = suids.isEmpty()
                ? null
                : new io.citadel.engine.e2e.SecurityInfoPublisher(
                        esprimReceiver,
                        suids,
                        escertkeCertificate == null ? List.of() : List.of(escertkeCertificate),
                        store,
                        settings,
                        esprimSettings.randLifetime());
        if (esi != null) {
            try {
                esi.publish();
            } catch (RuntimeException e) {
                esi.close();
                throw e;
            }
        }
        ExpiryReaper reaper = new ExpiryReaper(store, delete);
        return new Cse(
                settings,
                parts,
                pipeline,
                connections,
                links,
                options.outbound(),
                remotes,
                subscriptions,
                options.revocations(),
                esi == null ? null : esi::esi,
                new io.citadel.engine.privacy.PrivacyService(
                        dataSubjects,
                        store,
                        accessLog,
                        representation,
                        ids,
                        Clock.systemUTC(),
                        delete::deleteCounting,
                        dispatcher::discard),
                esi == null
                        ? closing(List.of(reaper, fanOut, announcer, nonBlocking, notifier, accessLog), esprimSender)
                        : closing(
                                List.of(reaper, fanOut, announcer, nonBlocking, notifier, esi, accessLog),
                                esprimSender));
    }

    /**
     * {@code services} and, when end-to-end security runs here, the ESPrim sender and the ESCertKE terminator (their
     * keys are zeroed when the CSE closes).
     */
    private List<AutoCloseable> closing(List<AutoCloseable> services, io.citadel.engine.e2e.EsprimSender esprimSender) {
        List<AutoCloseable> all = new ArrayList<>(services);
        if (esprimSender != null) {
            all.add(esprimSender);
        }
        if (escertke != null) {
            all.add(escertke);
        }
        return all;
    }

    private Map<ResourceType, TypeBehaviour> behaviours(
            OriginatorIds ids, Forwarder forwarder, NotificationTargets targets, AeBehaviour ae) {
        Map<ResourceType, TypeBehaviour> behaviours = new EnumMap<>(ResourceType.class);
        io.citadel.engine.e2e.SignedContent signedContent = new io.citadel.engine.e2e.SignedContent(
                esdataAnchors, esdataRevoked, ids, settings.spId().substring(2));
        for (TypeBehaviour b : List.of(
                ae,
                new ContainerBehaviour(signedContent),
                new ContentInstanceBehaviour(signedContent),
                new AccessControlPolicyBehaviour(ids),
                FixedBehaviour.plain(ResourceType.DYNAMIC_AUTHORIZATION_CONSULTATION),
                FixedBehaviour.plain(ResourceType.ROLE),
                FixedBehaviour.plain(ResourceType.TOKEN),
                FixedBehaviour.plain(ResourceType.AUTHORIZATION_DECISION),
                FixedBehaviour.plain(ResourceType.AUTHORIZATION_POLICY),
                FixedBehaviour.plain(ResourceType.AUTHORIZATION_INFORMATION),
                new SubscriptionBehaviour(EventCriteria::parse),
                new RemoteCseBehaviour(settings.cseId(), IdentifyStage::isCseId),
                new GroupBehaviour(new GroupMembers(forwarder, targets, ids)),
                FixedBehaviour.cseMade(ResourceType.REQUEST),
                new AnnouncedBehaviour(ResourceType.ACCESS_CONTROL_POLICY_ANNC, IdentifyStage::isCseId, ids::normalize),
                new AnnouncedBehaviour(ResourceType.AE_ANNC, IdentifyStage::isCseId, ids::normalize),
                new AnnouncedBehaviour(ResourceType.CONTAINER_ANNC, IdentifyStage::isCseId, ids::normalize),
                new AnnouncedBehaviour(ResourceType.CONTENT_INSTANCE_ANNC, IdentifyStage::isCseId, ids::normalize),
                FixedBehaviour.plain(ResourceType.POLLING_CHANNEL),
                FixedBehaviour.plain(ResourceType.NODE),
                new MgmtObjBehaviour(firmwareUpdates),
                FixedBehaviour.unchangeable(ResourceType.CSE_BASE))) {
            behaviours.put(b.type(), b);
        }
        return behaviours;
    }

    /**
     * The whole pipeline, for the parts that run a request through it again (a non-blocking request later, a
     * group's fan-out to local members); set once the pipeline is built.
     */
    private static final class PipelineReference implements PrimitiveHandler {
        private volatile Pipeline pipeline;

        void set(Pipeline built) {
            this.pipeline = built;
        }

        @Override
        public io.citadel.protocol.ResponsePrimitive handle(
                io.citadel.protocol.RequestPrimitive request, RequestContext context) {
            return pipeline.handle(request, context);
        }
    }
}
