package io.citadel.engine.authorization;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Token IDs an operator has revoked; a revoked token is refused even while it is otherwise valid. */
public interface RevocationList {

    boolean isRevoked(String tokenId);

    static RevocationList inMemory() {
        Set<String> revoked = ConcurrentHashMap.newKeySet();
        return new RevocationList() {
            @Override
            public boolean isRevoked(String tokenId) {
                return revoked.contains(tokenId);
            }

            @Override
            public void revoke(String tokenId) {
                revoked.add(tokenId);
            }
        };
    }

    /** Records a revocation (durably, where the implementation can). */
    void revoke(String tokenId);
}
