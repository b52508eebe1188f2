package io.citadel.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.engine.resources.Resource;
import io.citadel.engine.store.ResourceStore;
import io.citadel.engine.store.ResourceStoreContract;
import io.citadel.protocol.ResourceType;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded H2 store, and what a file database adds: the data outlives the store. */
class H2ResourceStoreTest extends ResourceStoreContract {
    @TempDir
    Path dir;

    @Override
    protected ResourceStore openStore() {
        return new JdbcResourceStore(StoreSettings.embedded(dir, false));
    }

    @Test
    void reopen_keeps_data() {
        store.write(tx -> {
                    tx.insert(resource(
                            "old",
                            ResourceType.CONTAINER,
                            "root",
                            "root/old",
                            tx.nextSequence(),
                            Map.of("et", "20200101T000000")));
                    tx.insert(resource(
                            "never", ResourceType.CONTAINER, "root", "root/never", tx.nextSequence(), Map.of()));
                    return null;
                })
                .join();
        store.close();
        try (ResourceStore reopened = openStore()) {
            assertThat(reopened.findById("never")).isPresent();
            long next = reopened.write(tx -> tx.nextSequence()).join();
            assertThat(next).as("the sequence goes on from the stored rows").isEqualTo(3);
            assertThat(reopened.findById("old").map(Resource::expirationTime)).contains("20200101T000000");
        }
    }
}
