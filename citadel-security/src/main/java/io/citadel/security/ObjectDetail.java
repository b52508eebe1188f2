package io.citadel.security;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code acod} entry: on CREATE, which child types may be created ({@code chty}), optionally only under
 * a parent of type {@code ty} and, for flexContainer (28) or mgmtObj (13), only of specialization
 * {@code spty}.
 */
public record ObjectDetail(Integer parentType, String specialization, Set<Integer> childTypes) {
    private static final Set<String> MEMBERS = Set.of("ty", "spty", "chty");

    static ObjectDetail parse(Map<?, ?> acod) {
        if (!MEMBERS.containsAll(acod.keySet()) || !acod.containsKey("chty")) {
            throw new IllegalArgumentException("acod entries need chty and may hold only ty, spty and chty");
        }
        Integer ty = acod.containsKey("ty") ? integer(acod.get("ty"), "acod.ty") : null;
        String spty = null;
        if (acod.containsKey("spty")) {
            if (!(acod.get("spty") instanceof String s) || s.isEmpty() || s.length() > 256) {
                throw new IllegalArgumentException("acod.spty must be a specialization ID (cnd or mgd)");
            }
            if (ty == null || (ty != 13 && ty != 28)) {
                throw new IllegalArgumentException(
                        "acod.spty is allowed only with ty 13 (mgmtObj) or 28 (flexContainer)");
            }
            spty = s;
        }
        Object chty = acod.get("chty");
        List<?> list = chty instanceof List<?> l ? l : List.of(chty);
        if (list.isEmpty() || list.size() > 64) {
            throw new IllegalArgumentException("acod.chty must list 1..64 resource types");
        }
        Set<Integer> types = new LinkedHashSet<>();
        for (Object t : list) {
            types.add(integer(t, "acod.chty"));
        }
        return new ObjectDetail(ty, spty, Set.copyOf(types));
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
