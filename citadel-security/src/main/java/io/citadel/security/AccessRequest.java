package io.citadel.security;

import java.time.Instant;

/**
 * What is asked: who (normalised originator, whether the security association authenticated it), which
 * operation bit (CREATE 1 ... DISCOVERY 32), the type to be created (CREATE only, else null), from where
 * and when.
 *
 * @param targetType the type of the target resource (the parent, for CREATE)
 * @param peerAddress the transport peer address as the binding saw it (never a client-supplied header)
 */
public record AccessRequest(String originator, boolean authenticated, int operationBit, Integer createdType,
                            Integer targetType,
                            String peerAddress, Instant time) {
}
