package io.citadel.security;

/** Answers whether an {@code acor} entry names a {@code <group>} that has the originator among its members. */
@FunctionalInterface
public interface GroupMembership {

    /** For a CSE without groups. */
    GroupMembership NONE = (entry, originator) -> false;

    /** False when the entry is not a retrievable group (an unretrievable group never matches). */
    boolean isMember(String acorEntry, String originator);
}
