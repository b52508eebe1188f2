package io.citadel.protocol.schema;

/** One row of the schema: an attribute of a resource type and how requests may carry it. */
public record AttributePolicy(String name, DataType type, Presence onCreate, Presence onUpdate) {}
