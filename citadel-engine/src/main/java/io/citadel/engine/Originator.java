package io.citadel.engine;

/**
 * The originator of a request after the identify stage.
 *
 * @param raw the {@code From} as received (may be null for AE registration)
 * @param normalized SP-relative or absolute form used for access decisions
 * @param authenticated whether a security association proved this identity (feeds {@code acaf})
 * @param registered whether it is an AE or CSE registered with this CSE (or the administrator)
 */
record Originator(String raw, String normalized, boolean authenticated, boolean registered) {
}
