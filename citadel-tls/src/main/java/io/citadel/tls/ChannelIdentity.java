package io.citadel.tls;

import io.citadel.credentials.SecurityAssociation;
import io.netty.util.AttributeKey;

/** Where a secured channel keeps what its handshake proved, for whichever binding reads requests from it. */
public final class ChannelIdentity {
    /** Set by the TLS-PSK and certificate handlers once the handshake is done; absent on plain channels. */
    public static final AttributeKey<SecurityAssociation> ASSOCIATION = AttributeKey.valueOf("citadel.sa");

    /** Set by the Bouncy Castle TLS handlers once the handshake is done: the session's key exporter. */
    public static final AttributeKey<KeyingMaterial> KEYING_MATERIAL = AttributeKey.valueOf("citadel.exporter");

    /**
     * Set by the Bouncy Castle certificate TLS handler once the handshake is done: the client's chain as validated,
     * leaf first.
     */
    public static final AttributeKey<java.util.List<java.security.cert.X509Certificate>> PEER_CERTIFICATES =
            AttributeKey.valueOf("citadel.peer-certificates");

    private ChannelIdentity() {}
}
