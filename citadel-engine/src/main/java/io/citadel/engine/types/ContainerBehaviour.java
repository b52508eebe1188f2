package io.citadel.engine.types;

import io.citadel.engine.resources.Resource;
import io.citadel.engine.store.StoreTransaction;
import io.citadel.protocol.ResourceType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code <container>}: counters start at zero; new limits apply at once. */
public final class ContainerBehaviour implements TypeBehaviour {
    @Override
    public ResourceType type() {
        return ResourceType.CONTAINER;
    }

    /** {@code esdp} 1: the container takes only ESData-protected content (Citadel's, digest §8). */
    static final long ESDATA_REQUIRED = 1;
    /**
     * {@code esdp} 2: only ESData signed with the originator's certificate, checked by this CSE before it stores the
     * content ({@link io.citadel.engine.e2e.SignedContent}).
     */
    static final long ESDATA_SIGNED = 2;

    private final io.citadel.engine.e2e.SignedContent signed;

    public ContainerBehaviour(io.citadel.engine.e2e.SignedContent signed) {
        this.signed = signed;
    }

    @Override
    public void prepareCreate(CreateDraft draft) {
        checkEsdataPolicy(draft.attributes().get("esdp"));
        draft.attributes().put("st", 0L);
        draft.attributes().put("cni", 0L);
        draft.attributes().put("cbs", 0L);
    }

    @Override
    public void checkUpdate(Resource current, Map<String, Object> changes) {
        checkEsdataPolicy(changes.get("esdp"));
    }

    private void checkEsdataPolicy(Object esdp) {
        if (esdp instanceof Number n && n.longValue() > ESDATA_SIGNED) {
            throw io.citadel.protocol.OneM2mException.badRequest(
                    "esdp is 0 (any content), 1 (only ESData-protected content) or 2 (only content signed by its"
                            + " originator)");
        }
        if (esdp instanceof Number n && n.longValue() == ESDATA_SIGNED && !signed.available()) {
            throw io.citadel.protocol.OneM2mException.badRequest(
                    "esdp 2 needs ESData trust anchors at this CSE (--esdata-trust): none are configured");
        }
    }

    @Override
    public Resource afterUpdate(StoreTransaction tx, Resource updated) {
        return enforceLimits(tx, updated);
    }

    /**
     * Deletes the oldest instances until {@code cni <= mni} and {@code cbs <= mbs}; returns the container
     * with its counters adjusted (not yet written).
     */
    static Resource enforceLimits(StoreTransaction tx, Resource container) {
        long mni = container.getLong("mni", Long.MAX_VALUE);
        long mbs = container.getLong("mbs", Long.MAX_VALUE);
        long cni = container.getLong("cni", 0);
        long cbs = container.getLong("cbs", 0);
        while (cni > mni || cbs > mbs) {
            int batch = (int) Math.min(256, Math.max(1, cni - Math.min(mni, cni)));
            List<Resource> oldest = tx.oldestChildren(container.ri(), ResourceType.CONTENT_INSTANCE.code(), batch);
            if (oldest.isEmpty()) {
                cni = 0;
                cbs = 0;
                break;
            }
            for (Resource cin : oldest) {
                if (cni <= mni && cbs <= mbs) {
                    break;
                }
                tx.deleteSubtree(cin);
                cni--;
                cbs -= cin.getLong("cs", 0);
            }
        }
        if (cni == container.getLong("cni", 0) && cbs == container.getLong("cbs", 0)) {
            return container;
        }
        Map<String, Object> counters = new HashMap<>();
        counters.put("cni", Math.max(0, cni));
        counters.put("cbs", Math.max(0, cbs));
        return container.with(counters);
    }
}
