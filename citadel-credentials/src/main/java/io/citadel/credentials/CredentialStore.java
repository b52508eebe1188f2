package io.citadel.credentials;

import java.util.List;

/**
 * A store of credentials of one kind that tells listeners when a credential it vouched for stops being usable
 * ({@link CredentialListener}): on revocation and replacement through this store, on changes another writer
 * made (another process editing the same files), on expiry and when the store becomes unreadable. Expiry and
 * other writers' changes are noticed within about a second while listeners are registered.
 *
 * @param <C> the kind of credential held
 */
public interface CredentialStore<C extends Credential> {

    /** The usable and stored-but-expired credentials; entries the store does not honour are left out. */
    List<C> list();

    /** Registers {@code listener} (once, however often it is added). */
    void addListener(CredentialListener listener);

    /** Unregisters {@code listener}; nothing happens when it was not registered. */
    void removeListener(CredentialListener listener);
}
