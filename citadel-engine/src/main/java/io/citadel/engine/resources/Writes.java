package io.citadel.engine.resources;

import io.citadel.engine.store.StoreException;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResponseStatusCode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for a durable write and turns its failure into the exception the pipeline maps. */
public final class Writes {
    private static final long TIMEOUT_SECONDS = 30;

    private Writes() {}

    public static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OneM2mException(ResponseStatusCode.INTERNAL_SERVER_ERROR, "interrupted while storing");
        } catch (TimeoutException e) {
            throw new OneM2mException(
                    ResponseStatusCode.INTERNAL_SERVER_ERROR, "storage did not confirm the write in time");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof OneM2mException o) {
                throw o;
            }
            if (cause instanceof StoreException s) {
                throw s;
            }
            throw new StoreException("write failed", cause);
        }
    }
}
