package io.citadel.engine.pipeline;

import io.citadel.protocol.RequestPrimitive;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One request on its way through the pipeline: the primitive (which a stage may replace, e.g. after unwrapping
 * an end-to-end protected one), what the binding knows about it, and what earlier stages found out, kept under
 * typed {@link Key keys}. Confined to the thread that runs the pipeline for this request; not thread-safe.
 */
public final class Exchange {
    private RequestPrimitive request;
    private final RequestContext context;
    private final Map<Key<?>, Object> facts = new HashMap<>();

    public Exchange(RequestPrimitive request, RequestContext context) {
        this.request = Objects.requireNonNull(request, "request");
        this.context = Objects.requireNonNull(context, "context");
    }

    public RequestPrimitive request() {
        return request;
    }

    /** Replaces the request for the stages that follow (the stages in front keep the one they passed on). */
    public void replaceRequest(RequestPrimitive replacement) {
        this.request = Objects.requireNonNull(replacement, "replacement");
    }

    public RequestContext context() {
        return context;
    }

    /** Records a fact for later stages; a fact is set once (a second set is a wiring mistake). */
    public <T> void put(Key<T> key, T value) {
        Objects.requireNonNull(value, key.name());
        if (facts.putIfAbsent(key, value) != null) {
            throw new IllegalStateException(key.name() + " is already set for this request");
        }
    }

    /** A fact an earlier stage recorded, if it did. */
    public <T> Optional<T> find(Key<T> key) {
        return Optional.ofNullable(key.type().cast(facts.get(key)));
    }

    /** A fact an earlier stage must have recorded; throws {@link IllegalStateException} naming it when missing. */
    public <T> T get(Key<T> key) {
        return find(key)
                .orElseThrow(() -> new IllegalStateException(
                        key.name() + " is not known yet: the stage that sets it has not run before this one"));
    }

    /**
     * The name and type of a fact. Keys are compared by identity: each is a constant of the stage that sets it.
     *
     * @param <T> the type of the value
     */
    public static final class Key<T> {
        private final String name;
        private final Class<T> type;

        private Key(String name, Class<T> type) {
            this.name = name;
            this.type = type;
        }

        public static <T> Key<T> of(String name, Class<T> type) {
            return new Key<>(Objects.requireNonNull(name), Objects.requireNonNull(type));
        }

        public String name() {
            return name;
        }

        Class<T> type() {
            return type;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
