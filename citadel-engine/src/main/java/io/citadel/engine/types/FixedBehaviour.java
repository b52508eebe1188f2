package io.citadel.engine.types;

import io.citadel.protocol.ResourceType;

/** Types with no behaviour of their own beyond the schema, and the CSEBase, which primitives cannot change. */
public final class FixedBehaviour implements TypeBehaviour {
    private final ResourceType type;
    private final boolean changeable;

    private FixedBehaviour(ResourceType type, boolean changeable) {
        this.type = type;
        this.changeable = changeable;
    }

    public static FixedBehaviour plain(ResourceType type) {
        return new FixedBehaviour(type, true);
    }

    public static FixedBehaviour unchangeable(ResourceType type) {
        return new FixedBehaviour(type, false);
    }

    @Override
    public ResourceType type() {
        return type;
    }

    @Override
    public boolean isUpdatable() {
        return changeable;
    }

    @Override
    public boolean isDeletable() {
        return changeable;
    }
}
