package io.citadel.protocol;

import java.time.Instant;
import java.util.List;

/**
 * Filter Criteria (TS-0004 §6.3.5.8). Absent members are null or empty lists.
 *
 * @param filterUsage 1 discovery, 2 conditional retrieval (default)
 * @param filterOperation 1 AND (default), 2 OR
 */
public record FilterCriteria(
        Instant createdBefore,
        Instant createdAfter,
        Instant modifiedSince,
        Instant unmodifiedSince,
        Long stateTagSmaller,
        Long stateTagBigger,
        Instant expireBefore,
        Instant expireAfter,
        List<String> labels,
        List<Integer> resourceTypes,
        Long sizeAbove,
        Long sizeBelow,
        List<String> contentTypes,
        List<AttributeFilter> attributes,
        int filterUsage,
        Integer limit,
        Integer level,
        Integer offset,
        int filterOperation) {

    public static final int USAGE_DISCOVERY = 1;
    public static final int USAGE_CONDITIONAL_RETRIEVAL = 2;

    /** One {@code atr} entry: attribute short name and the value it must equal. */
    public record AttributeFilter(String name, String value) {}

    public FilterCriteria {
        labels = List.copyOf(labels);
        resourceTypes = List.copyOf(resourceTypes);
        contentTypes = List.copyOf(contentTypes);
        attributes = List.copyOf(attributes);
    }

    public boolean isDiscovery() {
        return filterUsage == USAGE_DISCOVERY;
    }

    /** True when any condition on resources is present (not just usage/limit/offset/level). */
    public boolean hasConditions() {
        return createdBefore != null
                || createdAfter != null
                || modifiedSince != null
                || unmodifiedSince != null
                || stateTagSmaller != null
                || stateTagBigger != null
                || expireBefore != null
                || expireAfter != null
                || !labels.isEmpty()
                || !resourceTypes.isEmpty()
                || sizeAbove != null
                || sizeBelow != null
                || !contentTypes.isEmpty()
                || !attributes.isEmpty();
    }
}
