package io.citadel.engine.store;

/**
 * A unit of work that belongs together: run on the store's writer inside one transaction, durable when
 * its future completes. A mutation that throws is rolled back alone; the others of the batch commit.
 */
@FunctionalInterface
public interface Mutation<T> {
    T apply(StoreTransaction tx);
}
