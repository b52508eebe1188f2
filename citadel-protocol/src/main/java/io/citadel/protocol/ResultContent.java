package io.citadel.protocol;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** Result Content values (TS-0004 Table 6.3.4.2.7-1) and the operations each is valid for. */
public enum ResultContent {
    NOTHING(0, EnumSet.of(Operation.CREATE, Operation.UPDATE, Operation.DELETE), false),
    ATTRIBUTES(1, EnumSet.of(Operation.CREATE, Operation.RETRIEVE, Operation.UPDATE, Operation.DELETE), false),
    HIERARCHICAL_ADDRESS(2, EnumSet.of(Operation.CREATE), false),
    HIERARCHICAL_ADDRESS_AND_ATTRIBUTES(3, EnumSet.of(Operation.CREATE), false),
    ATTRIBUTES_AND_CHILD_RESOURCES(4, EnumSet.of(Operation.RETRIEVE, Operation.DELETE), false),
    ATTRIBUTES_AND_CHILD_RESOURCE_REFERENCES(5, EnumSet.of(Operation.RETRIEVE, Operation.DELETE), false),
    CHILD_RESOURCE_REFERENCES(6, EnumSet.of(Operation.RETRIEVE, Operation.DELETE), true),
    ORIGINAL_RESOURCE(7, EnumSet.of(Operation.RETRIEVE), false),
    CHILD_RESOURCES(8, EnumSet.of(Operation.RETRIEVE, Operation.DELETE), false),
    MODIFIED_ATTRIBUTES(9, EnumSet.of(Operation.CREATE, Operation.UPDATE), false);

    private final int code;
    private final Set<Operation> validFor;
    private final boolean validForDiscovery;

    ResultContent(int code, Set<Operation> validFor, boolean validForDiscovery) {
        this.code = code;
        this.validFor = validFor;
        this.validForDiscovery = validForDiscovery;
    }

    public int code() {
        return code;
    }

    public boolean isValidFor(Operation op, boolean discovery) {
        return discovery ? validForDiscovery : validFor.contains(op);
    }

    public static Optional<ResultContent> of(int code) {
        for (ResultContent rc : values()) {
            if (rc.code == code) {
                return Optional.of(rc);
            }
        }
        return Optional.empty();
    }

    /** The default for an operation when the request carries no rcn. */
    public static ResultContent defaultFor(Operation op) {
        return op == Operation.DELETE ? NOTHING : ATTRIBUTES;
    }
}
