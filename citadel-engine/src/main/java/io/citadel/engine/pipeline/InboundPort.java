package io.citadel.engine.pipeline;

import io.citadel.engine.hierarchy.EntityConnections;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What a binding hands decoded requests to: one per binding, owning that binding's bounded worker pool (fixed
 * size, bounded queue, daemon threads named after the binding), the "overloaded" answer when the queue is full
 * (5000, never an unbounded queue), and, for two-way connections, the binding of a registered entity to the
 * connection it registered (or first succeeded) over. Bindings only frame, decode and encode.
 * Thread-safe.
 */
public final class InboundPort implements AutoCloseable {
    static final String OVERLOADED = "the CSE is overloaded; retry later";

    private final PrimitiveHandler handler;
    private final EntityConnections connections;
    private final ThreadPoolExecutor workers;

    private InboundPort(PrimitiveHandler handler, EntityConnections connections, ThreadPoolExecutor workers) {
        this.handler = handler;
        this.connections = connections;
        this.workers = workers;
    }

    /**
     * Opens a port with its own pool.
     *
     * @param name the binding's name, for the worker threads ({@code name-1}, {@code name-2} ...)
     * @param threads the pool's size
     * @param queue how many requests may wait for a worker before the port answers "overloaded"
     */
    public static InboundPort open(
            PrimitiveHandler handler, EntityConnections connections, String name, int threads, int queue) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(connections, "connections");
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), r -> {
                    Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        return new InboundPort(handler, connections, pool);
    }

    /**
     * Runs the request on a worker and gives the response to {@code answer}, exactly once: on the worker, or at
     * once on the calling thread with 5000 "overloaded" when the pool's queue is full.
     */
    public void submit(RequestPrimitive request, RequestContext context, Consumer<ResponsePrimitive> answer) {
        try {
            workers.execute(() -> answer.accept(handler.handle(request, context)));
        } catch (RejectedExecutionException e) {
            answer.accept(overloaded(request));
        }
    }

    /**
     * As {@link #submit(RequestPrimitive, RequestContext, Consumer)} for a request that came over a two-way
     * connection: its first successful request binds the entity to the connection (see {@link TwoWayConnection}).
     */
    public void submit(
            RequestPrimitive request,
            RequestContext context,
            TwoWayConnection connection,
            Consumer<ResponsePrimitive> answer) {
        submit(request, context, response -> {
            connection.answered(request, response, connections);
            answer.accept(response);
        });
    }

    /** Forgets the entity bound to a connection that closed. */
    public void closed(TwoWayConnection connection) {
        connection.closed(connections);
    }

    /** The pool, for other work of the binding that belongs on it; rejects with {@link RejectedExecutionException}. */
    public Executor executor() {
        return workers;
    }

    /** The answer to a request the pool has no room for. */
    public static ResponsePrimitive overloaded(RequestPrimitive request) {
        return ResponsePrimitive.error(
                ResponseStatusCode.INTERNAL_SERVER_ERROR, request.requestId(), request.releaseVersion(), OVERLOADED);
    }

    /** Whether a response is the port's "overloaded" answer (a binding may then also close the connection). */
    public static boolean isOverloaded(ResponsePrimitive response) {
        return response.status() == ResponseStatusCode.INTERNAL_SERVER_ERROR
                && response.content() instanceof java.util.Map<?, ?> m
                && OVERLOADED.equals(m.get("m2m:dbg"));
    }

    /** Stops taking work and waits up to 5 s for the requests already running. */
    @Override
    public void close() {
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
