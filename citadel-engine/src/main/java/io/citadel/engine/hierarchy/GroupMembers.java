package io.citadel.engine.hierarchy;

import io.citadel.engine.notification.NotificationTargets;
import io.citadel.engine.resources.Ids;
import io.citadel.engine.types.GroupBehaviour.MemberLookup;
import io.citadel.engine.types.GroupBehaviour.MemberType;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.security.OriginatorIds;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the type of a group member: a resource of this CSE from the repository, one on another CSE by a
 * RETRIEVE forwarded on behalf of the group's creator (4004 = missing; no answer or no right to read it
 * = unknown for now).
 */
public final class GroupMembers implements MemberLookup {
    private final Forwarder forwarder;
    private final NotificationTargets local;
    private final OriginatorIds ids;

    public GroupMembers(Forwarder forwarder, NotificationTargets local, OriginatorIds ids) {
        this.forwarder = forwarder;
        this.local = local;
        this.ids = ids;
    }

    @Override
    public MemberType typeOf(String memberId, String creator) {
        if (memberId.isEmpty() || memberId.contains("#") || NotificationTargets.isUrl(memberId)) {
            return new MemberType.Missing();
        }
        String normalized = memberId.startsWith("/") ? ids.normalize(memberId) : memberId;
        Optional<String> remote = forwarder.remoteTarget(normalized);
        if (remote.isEmpty()) {
            return local.localResource(memberId)
                    .<MemberType>map(r -> new MemberType.Known(r.type().code()))
                    .orElse(new MemberType.Missing());
        }
        RequestPrimitive retrieve = RequestPrimitive.builder(Operation.RETRIEVE, normalized)
                .from(creator)
                .requestId(Ids.next("grp"))
                .releaseVersion("3")
                .build();
        try {
            ResponsePrimitive rsp = forwarder.forward(retrieve, creator, remote.get(), Instant.now());
            if (rsp.status() == ResponseStatusCode.NOT_FOUND) {
                return new MemberType.Missing();
            }
            if (rsp.status().isSuccess() && rsp.content() instanceof Map<?, ?> m && m.size() == 1) {
                return ResourceType.ofJsonKey(
                                String.valueOf(m.keySet().iterator().next()))
                        .<MemberType>map(t -> new MemberType.Known(t.code()))
                        .orElse(new MemberType.Unknown());
            }
            return new MemberType.Unknown();
        } catch (OneM2mException e) {
            return e.status() == ResponseStatusCode.NOT_FOUND ? new MemberType.Missing() : new MemberType.Unknown();
        }
    }
}
