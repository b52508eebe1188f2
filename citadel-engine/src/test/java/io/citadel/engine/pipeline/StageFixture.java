package io.citadel.engine.pipeline;

import io.citadel.engine.CseSettings;
import io.citadel.engine.hierarchy.RemoteCseIndex;
import io.citadel.engine.resources.CseBootstrap;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.ResourceRepository;
import io.citadel.engine.resources.Universal;
import io.citadel.engine.resources.Writes;
import io.citadel.engine.store.ChangeListener;
import io.citadel.engine.store.memory.InMemoryResourceStore;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.schema.ResourceSchema;
import io.citadel.security.OriginatorIds;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the stage tests share: a CSE's settings, an in-memory store with its CSEBase and the indexes the engine keeps
 * from its commits, and a way to run one stage as the pipeline does (facts set in front, a recording stage behind).
 */
final class StageFixture implements AutoCloseable {
    static final String ADMIN = "CAdminStage";
    static final CseSettings SETTINGS =
            new CseSettings("/id-in", "cse-in", "//citadel.example", 1, ADMIN, List.of("C*"), List.of(), 100);
    static final OriginatorIds IDS = new OriginatorIds(SETTINGS.cseId(), SETTINGS.spId());

    final InMemoryResourceStore store = new InMemoryResourceStore();
    final ResourceRepository repository = new ResourceRepository(store, 10_000);
    final RemoteCseIndex remotes = new RemoteCseIndex();
    /** Told of every commit after the repository and the remote CSE index. */
    final List<ChangeListener> observers = new CopyOnWriteArrayList<>();

    StageFixture() {
        this(SETTINGS);
    }

    StageFixture(CseSettings settings) {
        store.setChangeListener(changes -> {
            repository.committed(changes);
            remotes.committed(changes);
            observers.forEach(o -> o.committed(changes));
        });
        new CseBootstrap(settings, ResourceSchema.standard(), store, repository).ensureCseBase();
    }

    /** Stores a resource of {@code type} directly under the CSEBase, named by its resource ID. */
    Resource insert(ResourceType type, String ri, Map<String, Object> attributes) {
        Map<String, Object> all = Universal.attributes(type, ri, ri, SETTINGS.cseBaseId(), Instant.now());
        all.putAll(attributes);
        return Writes.await(store.write(tx -> {
            Resource r = new Resource(
                    ri,
                    type,
                    SETTINGS.cseBaseId(),
                    ri,
                    SETTINGS.cseName() + "/" + ri,
                    tx.nextSequence(),
                    "/id-in/" + ADMIN,
                    all);
            tx.insert(r);
            return r;
        }));
    }

    @Override
    public void close() {
        store.close();
    }

    static RequestPrimitive.Builder retrieve(String from, String to) {
        return RequestPrimitive.builder(Operation.RETRIEVE, to)
                .from(from)
                .requestId("rqi-1")
                .releaseVersion("3");
    }

    /**
     * Runs one stage inside a pipeline, as the engine does: {@code given} records the facts earlier stages would
     * have, the stage under test runs, and a last stage records each exchange that reached it and answers with
     * {@code behind}. A refusal thrown by the stage thus becomes its error response.
     */
    static final class Run {
        final List<Exchange> reached = new CopyOnWriteArrayList<>();
        private final Stage stage;
        private Consumer<Exchange> given = exchange -> {};
        private Function<Exchange, ResponsePrimitive> behind =
                exchange -> ResponsePrimitive.of(ResponseStatusCode.OK, exchange.request(), null);

        Run(Stage stage) {
            this.stage = stage;
        }

        Run given(Consumer<Exchange> facts) {
            this.given = facts;
            return this;
        }

        Run behind(Function<Exchange, ResponsePrimitive> answer) {
            this.behind = answer;
            return this;
        }

        ResponsePrimitive handle(RequestPrimitive request, RequestContext context) {
            return Pipeline.builder()
                    .then("given", (exchange, next) -> {
                        given.accept(exchange);
                        return next.proceed(exchange);
                    })
                    .then("under test", stage)
                    .then("behind", (exchange, next) -> {
                        reached.add(exchange);
                        return behind.apply(exchange);
                    })
                    .build()
                    .handle(request, context);
        }

        ResponsePrimitive handle(RequestPrimitive request) {
            return handle(request, RequestContext.local());
        }
    }
}
