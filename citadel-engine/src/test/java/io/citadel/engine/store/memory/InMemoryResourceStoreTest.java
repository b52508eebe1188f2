package io.citadel.engine.store.memory;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.engine.store.ResourceStore;
import io.citadel.engine.store.ResourceStoreContract;
import io.citadel.engine.store.StoreException;
import org.junit.jupiter.api.Test;

/** The store contract on the in-memory store. */
public class InMemoryResourceStoreTest extends ResourceStoreContract {

    @Override
    protected ResourceStore openStore() {
        return new InMemoryResourceStore();
    }

    @Test
    void reads_after_close_fail() {
        store.close();
        assertThatThrownBy(() -> store.findById("a")).isInstanceOf(StoreException.class);
    }
}
