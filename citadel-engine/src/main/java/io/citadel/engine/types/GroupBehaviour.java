package io.citadel.engine.types;

import io.citadel.engine.resources.Resource;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponseStatusCode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * {@code <group>} (TS-0001 §10.2.7): {@code mid} without duplicates, at most {@code mnm} members, each
 * member's type checked against {@code mt} with the consistency strategy {@code csy}: 1 ABANDON_MEMBER
 * drops a member that does not exist or has another type, 2 ABANDON_GROUP refuses the request (4110),
 * 3 SET_MIXED turns the group into a mixed one ({@code mt} 0). A member on a CSE that cannot be asked
 * now stays, and {@code mtv} (memberTypeValidated) is false until it can be.
 */
public final class GroupBehaviour implements TypeBehaviour {
    /** {@code mt} of a group whose members may be of any type (TS-0004 Table 6.3.4.2.1-1: 0 mixed). */
    public static final long MIXED = 0;

    private static final int MAX_MEMBERS = 10_000;

    /** What is known of a member's type. */
    public sealed interface MemberType {
        record Known(int type) implements MemberType {}

        record Missing() implements MemberType {}

        record Unknown() implements MemberType {}
    }

    /** Looks up a member on behalf of an originator (the creator of a new group, the updater of one). */
    @FunctionalInterface
    public interface MemberLookup {
        MemberType typeOf(String memberId, String creator);
    }

    private final MemberLookup lookup;

    public GroupBehaviour(MemberLookup lookup) {
        this.lookup = lookup;
    }

    @Override
    public ResourceType type() {
        return ResourceType.GROUP;
    }

    @Override
    public void prepareCreate(CreateDraft draft) {
        Map<String, Object> a = draft.attributes();
        long mt = a.get("mt") instanceof Number n ? n.longValue() : MIXED;
        a.putAll(validated(
                a.get("mid"),
                ((Number) a.get("mnm")).longValue(),
                mt,
                a.get("csy") instanceof Number c ? c.intValue() : 1,
                draft.creator()));
    }

    /** Members are looked up on behalf of the updater: nobody probes other CSEs with the creator's rights. */
    @Override
    public void checkUpdate(Resource current, Map<String, Object> changes, String originator) {
        if (!changes.containsKey("mid") && !changes.containsKey("mnm")) {
            return;
        }
        Object mid = changes.containsKey("mid") ? changes.get("mid") : current.get("mid");
        long mnm = changes.get("mnm") instanceof Number n ? n.longValue() : current.getLong("mnm", MAX_MEMBERS);
        changes.putAll(validated(mid, mnm, current.getLong("mt", MIXED), (int) current.getLong("csy", 1), originator));
    }

    private Map<String, Object> validated(Object midValue, long mnm, long mt, int csy, String creator) {
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        if (midValue instanceof List<?> l) {
            l.forEach(m -> unique.add(String.valueOf(m)));
        }
        if (unique.size() > mnm || unique.size() > MAX_MEMBERS) {
            throw new OneM2mException(
                    ResponseStatusCode.MAX_NUMBER_OF_MEMBER_EXCEEDED,
                    unique.size() + " members exceed maxNrOfMembers " + Math.min(mnm, MAX_MEMBERS));
        }
        List<String> kept = new ArrayList<>();
        boolean validated = true;
        long type = mt;
        for (String member : unique) {
            MemberType found = lookup.typeOf(member, creator);
            if (found instanceof MemberType.Unknown) {
                validated = false;
                kept.add(member);
                continue;
            }
            OptionalInt t = found instanceof MemberType.Known k ? OptionalInt.of(k.type()) : OptionalInt.empty();
            boolean fits = t.isPresent() && (type == MIXED || t.getAsInt() == type);
            if (fits) {
                kept.add(member);
            } else if (csy == 2) {
                throw new OneM2mException(
                        ResponseStatusCode.GROUP_MEMBER_TYPE_INCONSISTENT,
                        "member " + member
                                + (t.isPresent()
                                        ? " is of type " + t.getAsInt() + ", not " + type
                                        : " does not exist"));
            } else if (csy == 3 && t.isPresent()) {
                type = MIXED;
                kept.add(member);
            }
            // csy 1 (default), or a missing member: abandoned
        }
        return Map.of("mid", kept, "cnm", (long) kept.size(), "mtv", validated, "mt", type);
    }
}
