package io.citadel.protocol.schema;

/**
 * One row of the schema: an attribute of a resource type and how requests may carry it.
 *
 * @param writeOnly a secret the CSE keeps but never returns
 */
public record AttributePolicy(String name, DataType type, Presence onCreate, Presence onUpdate, boolean writeOnly) {}
