package io.citadel.engine.types;

import io.citadel.protocol.ResourceType;

/** Types with no behaviour of their own beyond the schema, and the CSEBase, which primitives cannot change. */
public final class FixedBehaviour implements TypeBehaviour {
    private final ResourceType type;
    private final boolean changeable;
    private final boolean cseMade;

    private FixedBehaviour(ResourceType type, boolean changeable, boolean cseMade) {
        this.type = type;
        this.changeable = changeable;
        this.cseMade = cseMade;
    }

    /** Made only by the CSE itself (such as {@code <request>}): not created, not updated, but deletable. */
    public static FixedBehaviour cseMade(ResourceType type) {
        return new FixedBehaviour(type, false, true);
    }

    @Override
    public boolean isCreatable() {
        return !cseMade && changeable;
    }

    public static FixedBehaviour plain(ResourceType type) {
        return new FixedBehaviour(type, true, false);
    }

    public static FixedBehaviour unchangeable(ResourceType type) {
        return new FixedBehaviour(type, false, false);
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
        return changeable || cseMade;
    }
}
