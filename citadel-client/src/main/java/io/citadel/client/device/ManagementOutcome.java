package io.citadel.client.device;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a device did with one management object or MO_NODE command: applied it, or refused it and why. Reported on
 * the object as {@code m2m:actionStatus} ({@code acn} what it did or why not, {@code sus} 1 successful, 2 failure)
 * and to the MEF as a MO_NODE result code.
 */
public record ManagementOutcome(Kind kind, String action) {
    /** How it ended. */
    public enum Kind {
        APPLIED,
        /** The object lacks what it needs, or holds something malformed (MO_NODE 302). */
        BAD_ARGUMENTS,
        /** Well formed, but not something this device can or may do (MO_NODE 303). */
        UNACCEPTABLE,
        /** Tried, and it did not work: nothing changed (MO_NODE 305). */
        FAILED
    }

    /** The most characters of {@code acn}: a reason is one short line. */
    static final int MAX_ACTION = 200;

    public ManagementOutcome {
        action = action.length() > MAX_ACTION ? action.substring(0, MAX_ACTION) : action;
    }

    static ManagementOutcome applied(String action) {
        return new ManagementOutcome(Kind.APPLIED, action);
    }

    static ManagementOutcome badArguments(String why) {
        return new ManagementOutcome(Kind.BAD_ARGUMENTS, why);
    }

    static ManagementOutcome unacceptable(String why) {
        return new ManagementOutcome(Kind.UNACCEPTABLE, why);
    }

    static ManagementOutcome failed(String why) {
        return new ManagementOutcome(Kind.FAILED, why);
    }

    public boolean isApplied() {
        return kind == Kind.APPLIED;
    }

    /** As {@code m2m:actionStatus}: {@code {"acn": action, "sus": 1|2}}. */
    public Map<String, Object> actionStatus() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("acn", action);
        m.put("sus", isApplied() ? 1 : 2);
        return m;
    }
}
