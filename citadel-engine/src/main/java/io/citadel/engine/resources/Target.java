package io.citadel.engine.resources;

/**
 * A resolved request target.
 *
 * @param resource the addressed resource (for a virtual target: its parent container or group)
 * @param virtual LATEST or OLDEST for {@code la}/{@code ol}, FAN_OUT for a group's {@code fopt},
 *     POLLING for a polling channel's {@code pcu}, ACCESS_LOG for an AE's {@code accessLog}, else NONE
 * @param attribute a single attribute addressed with {@code #name}, or null
 * @param memberPath for FAN_OUT: what follows {@code fopt} (e.g. {@code la}), appended to each member; "" if none
 */
public record Target(Resource resource, Virtual virtual, String attribute, String memberPath) {

    public enum Virtual {
        NONE,
        LATEST,
        OLDEST,
        FAN_OUT,
        POLLING,
        /** The {@code accessLog} child of an {@code <AE>}: who accessed the AE's data (a Citadel extension). */
        ACCESS_LOG
    }

    Target(Resource resource, Virtual virtual, String attribute) {
        this(resource, virtual, attribute, "");
    }
}
