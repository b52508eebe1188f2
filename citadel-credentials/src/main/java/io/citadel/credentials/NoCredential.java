package io.citadel.credentials;

import java.time.Instant;
import java.util.List;

/**
 * What a peer that authenticated nothing proves (a plain channel, TLS without a client certificate): no
 * Credential-ID (the empty string), no originator. Always "valid", as there is nothing to expire.
 */
public record NoCredential() implements Credential {
    /** The one value there is. */
    public static final NoCredential INSTANCE = new NoCredential();

    @Override
    public String credentialId() {
        return "";
    }

    @Override
    public List<String> allowed() {
        return List.of();
    }

    @Override
    public boolean validAt(Instant when) {
        return true;
    }

    @Override
    public Kind kind() {
        return Kind.NONE;
    }
}
