package io.citadel.engine.types;

import io.citadel.engine.resources.Resource;
import io.citadel.engine.store.StoreTransaction;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.Timestamps;
import io.citadel.protocol.codec.ContentCodec;
import io.citadel.protocol.codec.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * {@code <contentInstance>}: immutable; {@code cs} computed; the parent container's counters and limits
 * are maintained in the same transaction as the insert or delete.
 */
public final class ContentInstanceBehaviour implements TypeBehaviour {
    private final io.citadel.engine.e2e.SignedContent signed;

    public ContentInstanceBehaviour(io.citadel.engine.e2e.SignedContent signed) {
        this.signed = signed;
    }

    @Override
    public ResourceType type() {
        return ResourceType.CONTENT_INSTANCE;
    }

    @Override
    public void prepareCreate(CreateDraft draft) {
        Resource container = draft.parent();
        long esdp = container.getLong("esdp", 0);
        if (esdp == ContainerBehaviour.ESDATA_REQUIRED || esdp == ContainerBehaviour.ESDATA_SIGNED) {
            requireProtected(draft.attributes().get("con"), draft.attributes().get("cnf"));
        }
        long cs = contentSize(draft.attributes().get("con"));
        long mbs = container.getLong("mbs", Long.MAX_VALUE);
        if (cs > mbs) {
            throw new OneM2mException(
                    ResponseStatusCode.NOT_ACCEPTABLE,
                    "content size " + cs + " exceeds the container's maxByteSize " + mbs);
        }
        if (esdp == ContainerBehaviour.ESDATA_SIGNED) { // after the cheap checks: this one validates a chain
            signed.requireSignedBy(draft.attributes().get("con"), draft.creator(), draft.now());
        }
        draft.attributes().put("cs", cs);
        draft.attributes().put("st", 0L);
        long mia = container.getLong("mia", -1);
        if (mia >= 0) {
            Instant limit = draft.now().plusSeconds(mia);
            Object et = draft.attributes().get("et");
            Instant requested = et instanceof String s ? Timestamps.parse(s).orElse(limit) : limit;
            draft.attributes().put("et", Timestamps.format(requested.isBefore(limit) ? requested : limit));
        }
    }

    /**
     * A container with {@code esdp} 1 takes only ESData: {@code con} a JWS or JWE of the allowed algorithms (checked
     * for shape; the CSE holds no key to open it), {@code cnf} naming the content security its form has (1 compact,
     * 2 JSON). Stored as it is.
     */
    private static void requireProtected(Object con, Object cnf) {
        if (!(con instanceof String envelope)) {
            throw OneM2mException.badRequest("this container takes ESData-protected content only (a JWS or a JWE)");
        }
        int form;
        try {
            form = io.citadel.e2e.esdata.EsData.inspect(envelope);
        } catch (io.citadel.e2e.esdata.EsDataException e) {
            throw OneM2mException.badRequest("this container takes ESData-protected content only: " + e.getMessage());
        }
        String[] parts = cnf instanceof String c ? c.split(":", -1) : new String[0];
        if (parts.length != 3 || !parts[2].equals(String.valueOf(form))) {
            throw OneM2mException.badRequest(
                    "cnf must name the content security of the protected content (<type>:<encoding>:" + form + ")");
        }
    }

    /** Size in bytes: a string's UTF-8 length, otherwise the length of its JSON form. */
    static long contentSize(Object con) {
        if (con instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8).length;
        }
        return ContentCodec.of(Serialization.JSON).encode(con).length;
    }

    @Override
    public void afterCreate(StoreTransaction tx, Resource created) {
        Resource container =
                tx.findById(created.parentId()).orElseThrow(() -> OneM2mException.notFound("container was deleted"));
        Resource counted = container.with(Map.of(
                "cni", container.getLong("cni", 0) + 1,
                "cbs", container.getLong("cbs", 0) + created.getLong("cs", 0)));
        tx.update(ContainerBehaviour.enforceLimits(tx, counted));
    }

    @Override
    public void beforeDelete(StoreTransaction tx, Resource deleting) {
        tx.findById(deleting.parentId())
                .ifPresent(container -> tx.update(container.with(Map.of(
                        "cni", Math.max(0, container.getLong("cni", 0) - 1),
                        "cbs", Math.max(0, container.getLong("cbs", 0) - deleting.getLong("cs", 0))))));
    }

    @Override
    public boolean isUpdatable() {
        return false;
    }
}
