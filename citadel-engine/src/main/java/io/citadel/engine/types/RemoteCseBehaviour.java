package io.citadel.engine.types;

import io.citadel.engine.authorization.AccessQuestion;
import io.citadel.engine.resources.Resource;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResourceType;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code <remoteCSE>} created by CSE registration (TS-0001 §10.2.2.7): the registree is the originator,
 * which must be an SP-relative CSE-ID other than this CSE's own; it becomes {@code csi}, the resource ID
 * (without the slash) and the creator. A {@code csi} in the request must be the same.
 */
public final class RemoteCseBehaviour implements TypeBehaviour {
    private final String ownCseId;
    private final Predicate<String> isCseId;

    public RemoteCseBehaviour(String ownCseId, Predicate<String> isCseId) {
        this.ownCseId = ownCseId;
        this.isCseId = isCseId;
    }

    @Override
    public ResourceType type() {
        return ResourceType.REMOTE_CSE;
    }

    /**
     * CSE registration: no ACP; the identify stage already required the registree's security association (4107)
     * and bound it to {@code From} (4106).
     */
    @Override
    public AccessQuestion createAccess(Resource parent, Map<String, Object> requested, String rawFrom) {
        TypeBehaviour.requireCseBaseParent(parent, "a CSE");
        return new AccessQuestion.Unguarded(
                "CSE registration: the registree is bound to its security association", parent.ri());
    }

    @Override
    public void prepareCreate(CreateDraft draft) {
        String registree = draft.creator();
        if (registree == null || !isCseId.test(registree) || registree.startsWith("//")) {
            throw OneM2mException.badRequest("a CSE registers with its SP-relative CSE-ID in 'From'");
        }
        if (registree.equals(ownCseId)) {
            throw OneM2mException.badRequest("a CSE cannot register with itself");
        }
        Object csi = draft.attributes().get("csi");
        if (csi != null && !csi.equals(registree)) {
            throw OneM2mException.badRequest("csi " + csi + " is not the registering CSE " + registree);
        }
        draft.attributes().put("csi", registree);
        draft.ri(registree.substring(1));
    }
}
