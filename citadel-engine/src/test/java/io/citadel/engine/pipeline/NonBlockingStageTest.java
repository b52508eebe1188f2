package io.citadel.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.engine.notification.DispatchSettings;
import io.citadel.engine.notification.NonBlockingRequests;
import io.citadel.engine.notification.NotificationDispatcher;
import io.citadel.engine.notification.NotificationSender;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.store.ChangeListener;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The non-blocking stage accepts a request with {@code rt} 1 (1001 and a {@code <request>} reference) or 2 (1002)
 * at once and has the whole pipeline run it later, blocking; a blocking request passes on. The notification
 * sender is the only fake.
 */
class NonBlockingStageTest {
    private static final String ORIGINATOR = "/id-in/Cae";
    private final StageFixture fixture = new StageFixture();
    private final BlockingQueue<Map.Entry<String, Object>> notified = new LinkedBlockingQueue<>();
    private final NotificationSender sender = (target, content, timeout) -> {
        notified.add(Map.entry(target, content));
        return CompletableFuture.completedFuture(NotificationSender.Outcome.DELIVERED);
    };
    private final NotificationDispatcher dispatcher = new NotificationDispatcher(sender, DispatchSettings.defaults());
    private final NonBlockingRequests nonBlocking =
            new NonBlockingRequests(StageFixture.SETTINGS, fixture.store, dispatcher);
    private final BlockingQueue<RequestPrimitive> ranLater = new LinkedBlockingQueue<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean holdLater;
    private final PrimitiveHandler pipeline = (request, context) -> {
        ranLater.add(request);
        if (holdLater) {
            await(release);
        }
        return ResponsePrimitive.of(ResponseStatusCode.OK, request, Map.of("m2m:cnt", Map.of("rn", "box")));
    };
    private final StageFixture.Run run = new StageFixture.Run(new NonBlockingStage(nonBlocking, pipeline))
            .given(exchange -> exchange.put(Facts.ORIGINATOR_ID, ORIGINATOR));

    @AfterEach
    void close() {
        release.countDown();
        nonBlocking.close();
        dispatcher.close();
        fixture.close();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static RequestPrimitive.Builder retrieve(Integer rt) {
        return StageFixture.retrieve("Cae", "/id-in/cse-in/box")
                .requestId("nb-1")
                .responseType(rt);
    }

    /** Counts down once for each {@code <request>} that is marked completed. */
    private CountDownLatch completions(int count) {
        CountDownLatch completed = new CountDownLatch(count);
        fixture.observers.add(changes -> changes.stream()
                .map(ChangeListener.Change::resource)
                .filter(r -> r.type() == ResourceType.REQUEST && Long.valueOf(1).equals(r.get("rs")))
                .forEach(r -> completed.countDown()));
        return completed;
    }

    private List<Resource> requestResources() {
        return fixture.store.ofType(ResourceType.REQUEST.code(), 1_000);
    }

    @Test
    void refuses_a_non_blocking_ae_registration_with_4000_and_stores_nothing() {
        RequestPrimitive register = RequestPrimitive.builder(Operation.CREATE, "/id-in/cse-in")
                .from("Cae")
                .requestId("reg")
                .releaseVersion("3")
                .resourceType(ResourceType.AE.code())
                .content(Map.of("m2m:ae", Map.of()))
                .responseType(1)
                .build();

        assertThat(run.handle(register).status()).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(requestResources()).isEmpty();
        assertThat(ranLater).isEmpty();
        assertThat(run.reached).isEmpty();
    }

    @Test
    void refuses_an_originator_over_its_share_of_waiting_requests_with_4005_but_not_another() throws Exception {
        holdLater = true;
        CountDownLatch completed = completions(101);
        for (int i = 0; i < 100; i++) {
            assertThat(run.handle(retrieve(1).requestId("nb-" + i).build()).status())
                    .isEqualTo(ResponseStatusCode.ACCEPTED_NON_BLOCKING_REQUEST_SYNCH);
        }

        assertThat(run.handle(retrieve(1).requestId("one-too-many").build()).status())
                .isEqualTo(ResponseStatusCode.OPERATION_NOT_ALLOWED);
        StageFixture.Run other = new StageFixture.Run(new NonBlockingStage(nonBlocking, pipeline))
                .given(exchange -> exchange.put(Facts.ORIGINATOR_ID, "/id-in/Cother"));
        assertThat(other.handle(StageFixture.retrieve("Cother", "/id-in/cse-in")
                                .responseType(1)
                                .build())
                        .status())
                .isEqualTo(ResponseStatusCode.ACCEPTED_NON_BLOCKING_REQUEST_SYNCH);

        release.countDown();
        assertThat(completed.await(10, TimeUnit.SECONDS))
                .as("all 101 accepted ones ran")
                .isTrue();
    }

    @Test
    void passes_a_blocking_request_on_and_stores_nothing() {
        assertThat(run.handle(retrieve(null).build()).status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(run.handle(retrieve(3).build()).status()).isEqualTo(ResponseStatusCode.OK);

        assertThat(run.reached).hasSize(2);
        assertThat(ranLater).isEmpty();
        assertThat(requestResources()).isEmpty();
    }

    @Test
    void answers_rt_1_with_1001_and_a_request_reference_that_shows_the_result_once_it_ran() throws Exception {
        CountDownLatch completed = completions(1);

        ResponsePrimitive accepted = run.handle(retrieve(1).build());

        assertThat(accepted.status()).isEqualTo(ResponseStatusCode.ACCEPTED_NON_BLOCKING_REQUEST_SYNCH);
        assertThat(accepted.requestId()).isEqualTo("nb-1");
        assertThat(run.reached).as("the stages behind it run later, not now").isEmpty();
        String reference = (String) ((Map<?, ?>) accepted.content()).get("m2m:uri");
        Resource request = fixture.store.findById(reference).orElseThrow();
        assertThat(request.type()).isEqualTo(ResourceType.REQUEST);
        assertThat(request.creator()).isEqualTo(ORIGINATOR);

        RequestPrimitive later = ranLater.poll(10, TimeUnit.SECONDS);
        assertThat(later).isNotNull();
        assertThat(later.requestId()).isEqualTo("nb-1");
        assertThat(later.isNonBlocking()).as("run blocking the second time").isFalse();
        assertThat(completed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(fixture.store.findById(reference).orElseThrow().get("ors"))
                .isInstanceOfSatisfying(
                        Map.class,
                        ors -> assertThat(ors).containsEntry("rsc", 2000L).containsEntry("rqi", "nb-1"));
    }

    @Test
    void answers_rt_2_with_1002_and_sends_the_result_to_the_response_targets() throws Exception {
        ResponsePrimitive accepted = run.handle(
                retrieve(2).responseTargets(List.of("http://127.0.0.1:9/nu")).build());

        assertThat(accepted.status()).isEqualTo(ResponseStatusCode.ACCEPTED_NON_BLOCKING_REQUEST_ASYNCH);
        assertThat(accepted.content()).isNull();
        assertThat(requestResources()).as("no <request> resource for rt 2").isEmpty();
        Map.Entry<String, Object> sent = notified.poll(10, TimeUnit.SECONDS);
        assertThat(sent).isNotNull();
        assertThat(sent.getKey()).isEqualTo("http://127.0.0.1:9/nu");
        assertThat(sent.getValue())
                .isInstanceOfSatisfying(
                        Map.class,
                        content -> assertThat(content.get("m2m:rsp"))
                                .isInstanceOfSatisfying(
                                        Map.class,
                                        rsp -> assertThat(rsp)
                                                .containsEntry("rsc", 2000L)
                                                .containsEntry("rqi", "nb-1")));
        assertThat(ranLater)
                .singleElement()
                .satisfies(r -> assertThat(r.isNonBlocking()).isFalse());
    }
}
