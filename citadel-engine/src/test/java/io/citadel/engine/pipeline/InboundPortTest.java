package io.citadel.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.engine.hierarchy.EntityConnections;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

public class InboundPortTest {
    private final EntityConnections connections = new EntityConnections(id -> id);

    private static RequestPrimitive request(String rqi) {
        return RequestPrimitive.builder(Operation.RETRIEVE, "/cse-in")
                .from("Cae")
                .requestId(rqi)
                .releaseVersion("3")
                .build();
    }

    @Test
    void a_full_queue_answers_overloaded_at_once_and_the_waiting_requests_still_complete() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        PrimitiveHandler blocked = (request, context) -> {
            running.countDown();
            await(release);
            return ResponsePrimitive.of(ResponseStatusCode.OK, request, null);
        };
        BlockingQueue<ResponsePrimitive> answers = new LinkedBlockingQueue<>();
        try (InboundPort port = InboundPort.open(blocked, connections, "test", 1, 1)) {
            port.submit(request("running"), RequestContext.local(), answers::add);
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            port.submit(request("queued"), RequestContext.local(), answers::add);
            port.submit(request("refused"), RequestContext.local(), answers::add);

            ResponsePrimitive refused = answers.poll(10, TimeUnit.SECONDS);
            assertThat(refused.requestId()).isEqualTo("refused");
            assertThat(refused.status()).isEqualTo(ResponseStatusCode.INTERNAL_SERVER_ERROR);
            assertThat(InboundPort.isOverloaded(refused)).isTrue();

            release.countDown();
            assertThat(List.of(
                            answers.poll(10, TimeUnit.SECONDS).requestId(),
                            answers.poll(10, TimeUnit.SECONDS).requestId()))
                    .containsExactlyInAnyOrder("running", "queued");
        }
    }

    @Test
    void an_engine_error_is_not_mistaken_for_overload() {
        assertThat(InboundPort.isOverloaded(ResponsePrimitive.error(
                        ResponseStatusCode.INTERNAL_SERVER_ERROR, "r", "3", "internal error (incident 1)")))
                .isFalse();
    }

    @Test
    void a_failed_registration_binds_nothing_and_a_successful_one_binds_the_assigned_ae_id() throws Exception {
        RequestPrimitive register = RequestPrimitive.builder(Operation.CREATE, "/cse-in")
                .from("C")
                .requestId("reg")
                .releaseVersion("3")
                .resourceType(ResourceType.AE.code())
                .content(Map.of("m2m:ae", Map.of()))
                .build();
        BlockingQueue<ResponsePrimitive> answers = new LinkedBlockingQueue<>();
        FakeConnection socket = new FakeConnection();
        TwoWayConnection twoWay = new TwoWayConnection(socket);
        PrimitiveHandler refusing =
                (r, c) -> ResponsePrimitive.error(ResponseStatusCode.BAD_REQUEST, r.requestId(), "3", "no");
        try (InboundPort port = InboundPort.open(refusing, connections, "test", 1, 4)) {
            port.submit(register, RequestContext.local(), twoWay, answers::add);
            answers.poll(10, TimeUnit.SECONDS);
        }
        assertThat(twoWay.boundEntity()).isNull();

        PrimitiveHandler accepting =
                (r, c) -> ResponsePrimitive.of(ResponseStatusCode.CREATED, r, Map.of("m2m:ae", Map.of("aei", "Cabc")));
        try (InboundPort port = InboundPort.open(accepting, connections, "test", 1, 4)) {
            port.submit(register, RequestContext.local(), twoWay, answers::add);
            answers.poll(10, TimeUnit.SECONDS);
            assertThat(twoWay.boundEntity()).isEqualTo("Cabc");
            port.closed(twoWay);
        }
    }

    @Test
    void pending_responses_are_bounded_matched_by_request_id_and_failed_on_close() {
        PendingResponses pending = new PendingResponses(2);

        CompletableFuture<ResponsePrimitive> unmatched =
                pending.expect(RequestPrimitive.builder(Operation.NOTIFY, "/x").build(), Duration.ofSeconds(10));
        assertThat(unmatched).isCompletedExceptionally();
        CompletableFuture<ResponsePrimitive> one = pending.expect(request("1"), Duration.ofSeconds(10));
        assertThat(pending.expect(request("1"), Duration.ofSeconds(10))).isCompletedExceptionally();
        CompletableFuture<ResponsePrimitive> two = pending.expect(request("2"), Duration.ofSeconds(10));
        assertThat(pending.expect(request("3"), Duration.ofSeconds(10))).isCompletedExceptionally();

        assertThat(pending.complete(ResponsePrimitive.of(ResponseStatusCode.OK, request("9"), null)))
                .isFalse();
        assertThat(pending.complete(ResponsePrimitive.of(ResponseStatusCode.OK, request("1"), null)))
                .isTrue();
        assertThat(one).isCompleted();
        pending.failAll("closed");
        assertThat(two).isCompletedExceptionally();
        assertThat(pending.size()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class FakeConnection implements EntityConnections.Connection {
        @Override
        public CompletableFuture<ResponsePrimitive> send(RequestPrimitive request, Duration timeout) {
            return CompletableFuture.failedFuture(new IllegalStateException("not used"));
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }
}
