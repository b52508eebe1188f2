package io.citadel.engine.types;

import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResourceType;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * An announced resource ({@code <xxxAnnc>}, TS-0001 §9.6.26) kept here for a resource another CSE hosts:
 * only a CSE may announce, and {@code lnk} must point at a resource of that same CSE, so that no one can
 * plant announcements on another CSE's behalf.
 */
public final class AnnouncedBehaviour implements TypeBehaviour {
    private final ResourceType type;
    private final Predicate<String> isCseId;
    private final UnaryOperator<String> normalize;

    public AnnouncedBehaviour(ResourceType type, Predicate<String> isCseId, UnaryOperator<String> normalize) {
        this.type = type;
        this.isCseId = isCseId;
        this.normalize = normalize;
    }

    @Override
    public ResourceType type() {
        return type;
    }

    @Override
    public void prepareCreate(CreateDraft draft) {
        String announcer = draft.creator();
        if (announcer == null || !isCseId.test(announcer)) {
            throw OneM2mException.badRequest("only a CSE announces resources");
        }
        String lnk = normalize.apply(String.valueOf(draft.attributes().get("lnk")));
        if (!lnk.startsWith(announcer + "/") || lnk.length() == announcer.length() + 1) {
            throw OneM2mException.badRequest("lnk must name a resource of the announcing CSE " + announcer);
        }
        draft.attributes().put("lnk", lnk);
    }
}
