package io.citadel.security;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code acod} entry: on CREATE, which child types may be created ({@code chty}), optionally only under
 * a parent of type {@code ty} and, for flexContainer (28) or mgmtObj (13), only of specialization
 * {@code spty}: the {@code cnd} or {@code mgd} the CREATE names (a mgd as a number or its decimal text). spty
 * needs {@code ty} 13 or 28, or a {@code chty} of only those (a mgmtObj's parent is a {@code <node>}).
 */
public record ObjectDetail(Integer parentType, String specialization, Set<Integer> childTypes) {
    private static final Set<String> MEMBERS = Set.of("ty", "spty", "chty");
    private static final Set<Integer> SPECIALIZED = Set.of(13, 28);

    static ObjectDetail parse(Map<?, ?> acod) {
        if (!MEMBERS.containsAll(acod.keySet()) || !acod.containsKey("chty")) {
            throw new IllegalArgumentException("acod entries need chty and may hold only ty, spty and chty");
        }
        Integer ty = acod.containsKey("ty") ? integer(acod.get("ty"), "acod.ty") : null;
        Object chty = acod.get("chty");
        List<?> list = chty instanceof List<?> l ? l : List.of(chty);
        if (list.isEmpty() || list.size() > 64) {
            throw new IllegalArgumentException("acod.chty must list 1..64 resource types");
        }
        Set<Integer> types = new LinkedHashSet<>();
        for (Object t : list) {
            types.add(integer(t, "acod.chty"));
        }
        String spty = null;
        if (acod.containsKey("spty")) {
            spty = specialization(acod.get("spty"));
            boolean specializedChildren = SPECIALIZED.containsAll(types);
            if ((ty == null || !SPECIALIZED.contains(ty)) && !specializedChildren) {
                throw new IllegalArgumentException(
                        "acod.spty is allowed only with ty 13 (mgmtObj) or 28 (flexContainer)"
                                + " or when chty holds only those");
            }
        }
        return new ObjectDetail(ty, spty, Set.copyOf(types));
    }

    /** A {@code cnd} (text) or {@code mgd} (an integer, or its decimal text), compared as decimal text. */
    private static String specialization(Object v) {
        if (v instanceof Number n && n.doubleValue() == n.longValue() && n.longValue() >= 0) {
            return Long.toString(n.longValue());
        }
        if (v instanceof String s && !s.isEmpty() && s.length() <= 256) {
            return s.matches("[0-9]{1,18}") ? Long.toString(Long.parseLong(s)) : s;
        }
        throw new IllegalArgumentException("acod.spty must be a specialization ID (cnd or mgd)");
    }

    private static Integer integer(Object v, String name) {
        if (v instanceof Number n && n.doubleValue() == n.intValue() && n.intValue() >= 0 && n.intValue() < 100_000) {
            return n.intValue();
        }
        if (v instanceof String s && s.matches("\\d{1,5}")) {
            return Integer.parseInt(s);
        }
        throw new IllegalArgumentException(name + " must hold resource type numbers");
    }

    boolean permits(AccessRequest request) {
        return (parentType == null || parentType.equals(request.targetType()))
                && (specialization == null || specialization.equals(request.createdSpecialization()))
                && childTypes.contains(request.createdType());
    }
}
