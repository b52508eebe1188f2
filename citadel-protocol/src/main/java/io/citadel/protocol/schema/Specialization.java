package io.citadel.protocol.schema;

import io.citadel.protocol.ResourceType;

/**
 * A specialization of a resource type ({@code specializations.tsv}): it shares the type number and is selected by
 * the value of one attribute, such as a {@code <mgmtObj>} [firmware] by {@code mgd} 1001. Its representation is
 * wrapped in its own member name ({@code m2m:fwr}), never the type's.
 *
 * @param selector the attribute whose value selects it ({@code mgd})
 * @param code that value in canonical text form ({@code 1001})
 * @param jsonKey its member name ({@code m2m:fwr})
 * @param name its name in the specifications ({@code firmware})
 */
public record Specialization(ResourceType type, String selector, String code, String jsonKey, String name) {}
