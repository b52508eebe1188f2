package io.citadel.engine.resources;

import java.util.Map;
import java.util.Set;

/**
 * Write-only attributes (secrets such as an authenticationProfile's symmetric key, marked WO in the schema) are
 * stored under a hidden name: every way out of the CSE (RETRIEVE, notification, filter, discovery) leaves hidden
 * attributes out, so a secret written once is never read back.
 */
public final class WriteOnly {
    private WriteOnly() {}

    /** The name a write-only attribute is stored under. */
    public static String storedName(String attribute) {
        return Representation.HIDDEN_PREFIX + "wo:" + attribute;
    }

    /** Renames, in place, the write-only {@code names} present in {@code attributes} (null values too). */
    public static void seal(Set<String> names, Map<String, Object> attributes) {
        for (String name : names) {
            if (attributes.containsKey(name)) {
                Object value = attributes.remove(name);
                attributes.put(storedName(name), value);
            }
        }
    }
}
