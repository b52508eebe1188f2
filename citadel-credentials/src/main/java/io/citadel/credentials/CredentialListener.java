package io.citadel.credentials;

/**
 * Hears from a {@link CredentialStore} that it no longer vouches for a credential as it was: the credential
 * was revoked, replaced (a new key, new originators, a new expiry), expired, or the store can no longer be
 * read (then every credential it vouched for is announced: fail closed). In the spirit of Eclipse Leshan's
 * {@code SecurityStoreListener}, so that the transports end the live sessions that credential proved instead
 * of polling the store. A replaced credential is announced with its old value; whether a session survives is
 * for its listener to decide by asking the store again.
 * <p>Called on the thread that changed or re-read the store, outside the store's lock; a listener must be quick,
 * must not block and may ask the store again.
 */
@FunctionalInterface
public interface CredentialListener {

    /** The store stopped vouching for {@code credential} as announced before. */
    void revoked(Credential credential);
}
