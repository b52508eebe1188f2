package io.citadel.protocol;

import java.util.Optional;

/** oneM2M operations (TS-0004 Table 6.3.4.2.5-1) with their access-control operation bit. */
public enum Operation {
    CREATE(1, 1),
    RETRIEVE(2, 2),
    UPDATE(3, 4),
    DELETE(4, 8),
    NOTIFY(5, 16);

    /** The acop bit for DISCOVERY (RETRIEVE with filterUsage = discovery). */
    public static final int DISCOVERY_BIT = 32;

    private final int code;
    private final int permissionBit;

    Operation(int code, int permissionBit) {
        this.code = code;
        this.permissionBit = permissionBit;
    }

    public int code() {
        return code;
    }

    public int permissionBit() {
        return permissionBit;
    }

    /** The operation an acop bit stands for; DISCOVERY (32) is a RETRIEVE. */
    public static Optional<Operation> ofPermissionBit(int bit) {
        if (bit == DISCOVERY_BIT) {
            return Optional.of(RETRIEVE);
        }
        for (Operation op : values()) {
            if (op.permissionBit == bit) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }

    public static Optional<Operation> of(int code) {
        for (Operation op : values()) {
            if (op.code == code) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }
}
