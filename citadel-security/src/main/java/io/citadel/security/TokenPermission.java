package io.citadel.security;

import java.util.List;
import java.util.Set;

/**
 * One {@code tkps.pm} entry of a token: rules (evaluated like an extra ACP) and roles, limited to the
 * resources in {@code ris} when it is present.
 *
 * @param resourceIds the resources it applies to, SP-relative; empty = all (allowed only without rules)
 */
public record TokenPermission(Set<String> resourceIds, List<AccessControlRule> rules, Set<String> roleIds) {

    public TokenPermission {
        resourceIds = Set.copyOf(resourceIds);
        rules = List.copyOf(rules);
        roleIds = Set.copyOf(roleIds);
    }

    boolean appliesTo(Set<String> targetIds) {
        if (resourceIds.isEmpty()) {
            return rules.isEmpty();
        }
        for (String id : targetIds) {
            if (resourceIds.contains(id)) {
                return true;
            }
        }
        return false;
    }
}
