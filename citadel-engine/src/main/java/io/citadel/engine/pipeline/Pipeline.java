package io.citadel.engine.pipeline;

import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The request pipeline: named {@link Stage stages} in order, run one into the next. Immutable and thread-safe
 * once built; each request gets its own {@link Exchange}. The standard composition (validate → identify →
 * route/forward → authorize → operate) is made by the engine's builder; {@link Builder} lets a caller put a
 * stage before or after any named one.
 */
public final class Pipeline implements PrimitiveHandler {
    private final List<NamedStage> stages;

    private Pipeline(List<NamedStage> stages) {
        this.stages = List.copyOf(stages);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The stage names in the order they run. */
    public List<String> stageNames() {
        return stages.stream().map(NamedStage::name).toList();
    }

    @Override
    public ResponsePrimitive handle(RequestPrimitive request, RequestContext context) {
        return run(0, new Exchange(request, context));
    }

    private ResponsePrimitive run(int index, Exchange exchange) {
        if (index == stages.size()) {
            return ErrorResponses.internal(
                    exchange.request(),
                    new IllegalStateException("the pipeline ended without an answer: no stage after '"
                            + stages.get(index - 1).name() + "' answered"));
        }
        try {
            ResponsePrimitive response = stages.get(index).stage().apply(exchange, next -> run(index + 1, next));
            if (response == null) {
                return ErrorResponses.internal(
                        exchange.request(),
                        new IllegalStateException("stage '" + stages.get(index).name() + "' answered nothing"));
            }
            return response;
        } catch (RuntimeException e) {
            return ErrorResponses.of(exchange.request(), e);
        }
    }

    /** A stage and the name others refer to it by. */
    private record NamedStage(String name, Stage stage) {
        NamedStage {
            Objects.requireNonNull(stage, "stage");
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a stage needs a name");
            }
        }
    }

    /**
     * Composes a pipeline. Names are unique; {@link #before}, {@link #after} and {@link #replace} refer to a
     * stage already added and throw {@link IllegalArgumentException} when there is none of that name.
     */
    public static final class Builder {
        private final List<NamedStage> stages = new ArrayList<>();

        private Builder() {}

        /** Appends a stage. */
        public Builder then(String name, Stage stage) {
            return insert(stages.size(), name, stage);
        }

        /** Puts a stage directly in front of the named one. */
        public Builder before(String existing, String name, Stage stage) {
            return insert(indexOf(existing), name, stage);
        }

        /** Puts a stage directly behind the named one. */
        public Builder after(String existing, String name, Stage stage) {
            return insert(indexOf(existing) + 1, name, stage);
        }

        /** Replaces the named stage, keeping its name and place. */
        public Builder replace(String existing, Stage stage) {
            int i = indexOf(existing);
            stages.set(i, new NamedStage(existing, stage));
            return this;
        }

        public List<String> names() {
            return stages.stream().map(NamedStage::name).toList();
        }

        public Pipeline build() {
            if (stages.isEmpty()) {
                throw new IllegalStateException("a pipeline needs at least one stage");
            }
            return new Pipeline(stages);
        }

        private Builder insert(int index, String name, Stage stage) {
            NamedStage added = new NamedStage(name, stage);
            if (stages.stream().anyMatch(s -> s.name().equals(name))) {
                throw new IllegalArgumentException("the pipeline already has a stage named '" + name + "'");
            }
            stages.add(index, added);
            return this;
        }

        private int indexOf(String name) {
            for (int i = 0; i < stages.size(); i++) {
                if (stages.get(i).name().equals(name)) {
                    return i;
                }
            }
            throw new IllegalArgumentException("the pipeline has no stage named '" + name + "'; it has " + names());
        }
    }
}
