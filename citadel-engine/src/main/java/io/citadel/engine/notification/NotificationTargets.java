package io.citadel.engine.notification;

import io.citadel.engine.CseSettings;
import io.citadel.engine.pipeline.IdentifyStage;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.ResourceRepository;
import io.citadel.protocol.ResourceType;
import io.citadel.security.OriginatorIds;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a notification target ({@code nu}, {@code su}) into where a NOTIFY goes: a URL is used as it is;
 * the ID of an AE or remote CSE registered here is re-targeted to its {@code poa} (TS-0001 §10.2.5.21);
 * any other oneM2M ID is sent towards the CSE that hosts it.
 */
public final class NotificationTargets {

    /**
     * Where to send.
     *
     * @param uri the target URL itself, or null: then {@code local} or, without it, routing by {@code to}
     * @param to the {@code To} of the NOTIFY
     * @param local the AE or remote CSE of this CSE the target names (reached at its poa or polling channel)
     */
    record Destination(String uri, String to, Resource local) {}

    private final CseSettings settings;
    private final ResourceRepository repository;
    private final OriginatorIds ids;

    public NotificationTargets(CseSettings settings, ResourceRepository repository, OriginatorIds ids) {
        this.settings = settings;
        this.repository = repository;
        this.ids = ids;
    }

    public static boolean isUrl(String target) {
        int colon = target.indexOf("://");
        if (colon <= 0) {
            return false;
        }
        String scheme = target.substring(0, colon).toLowerCase(Locale.ROOT);
        return scheme.matches("[a-z][a-z0-9+.-]*");
    }

    /** Empty when the target names a resource of this CSE that cannot receive notifications. */
    Optional<Destination> resolve(String target) {
        if (isUrl(target)) {
            return Optional.of(new Destination(target, target, null));
        }
        Optional<Resource> local = localResource(target);
        if (local.isEmpty()) {
            String normalized = ids.normalize(target);
            return isLocalId(normalized) ? Optional.empty() : Optional.of(new Destination(null, normalized, null));
        }
        Resource r = local.get();
        if (r.type() != ResourceType.AE && r.type() != ResourceType.REMOTE_CSE) {
            return Optional.empty();
        }
        return Optional.of(new Destination(null, target, r));
    }

    /** The resource of this CSE an ID names: an AE-ID, a CSE-ID of a registree, or a local address. */
    public Optional<Resource> localResource(String target) {
        String normalized = ids.normalize(target);
        String own = settings.cseId() + "/";
        String relative;
        if (normalized.startsWith(own)) {
            relative = normalized.substring(own.length());
        } else if (normalized.startsWith("/S")) {
            relative = normalized.substring(1);
        } else if (!target.startsWith("/")) {
            relative = target;
        } else {
            // a CSE-ID: a registree of ours is a <remoteCSE> named by its CSE-ID without the slash
            return IdentifyStage.isCseId(normalized) && normalized.indexOf('/', 1) < 0
                    ? repository.findById(normalized.substring(1)).filter(r -> r.type() == ResourceType.REMOTE_CSE)
                    : Optional.empty();
        }
        if (relative.isEmpty() || relative.contains("#")) {
            return Optional.empty();
        }
        if (!relative.contains("/")) {
            return repository.findById(relative);
        }
        String path = relative.startsWith("-/") ? settings.cseName() + relative.substring(1) : relative;
        return repository.findByPath(path);
    }

    private boolean isLocalId(String normalized) {
        return normalized.equals(settings.cseId())
                || normalized.startsWith(settings.cseId() + "/")
                || normalized.startsWith("/S")
                || !normalized.startsWith("/");
    }
}
