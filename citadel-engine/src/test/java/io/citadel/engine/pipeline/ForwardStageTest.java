package io.citadel.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.engine.hierarchy.Forwarder;
import io.citadel.engine.hierarchy.OutboundRequests;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The forward stage passes a request for this CSE on and sends one for another CSE to the next hop, answering with
 * that hop's answer; the outbound port is the only fake.
 */
class ForwardStageTest {
    private static final String MN_POA = "http://127.0.0.1:9/mn";
    private final StageFixture fixture = new StageFixture();
    private final List<String> sentTo = new CopyOnWriteArrayList<>();
    private final List<RequestPrimitive> sent = new CopyOnWriteArrayList<>();
    private Function<RequestPrimitive, CompletableFuture<ResponsePrimitive>> hop =
            request -> CompletableFuture.completedFuture(new ResponsePrimitive(
                    ResponseStatusCode.OK, "hop-rqi", "3", Map.of("m2m:cnt", Map.of()), null, null));
    private final OutboundRequests outbound = new OutboundRequests() {
        @Override
        public CompletableFuture<ResponsePrimitive> send(String uri, RequestPrimitive request, Duration timeout) {
            sentTo.add(uri);
            sent.add(request);
            return hop.apply(request);
        }
    };
    private final StageFixture.Run run = new StageFixture.Run(
            new ForwardStage(new Forwarder(StageFixture.SETTINGS, fixture.remotes, outbound, Duration.ofSeconds(5))));

    @AfterEach
    void close() {
        fixture.close();
    }

    private void registreeMn() {
        fixture.insert(
                ResourceType.REMOTE_CSE,
                "csr-mn",
                Map.of("csi", "/id-mn", "cb", "/id-mn/cse-mn", "poa", List.of(MN_POA)));
    }

    private ResponsePrimitive handle(RequestPrimitive request, String originatorId) {
        return run.given(exchange -> exchange.put(Facts.ORIGINATOR_ID, originatorId))
                .handle(request);
    }

    private ResponsePrimitive retrieve(String from, String to) {
        return handle(StageFixture.retrieve(from, to).build(), StageFixture.IDS.normalize(from));
    }

    @Test
    void refuses_a_target_cse_without_a_route_with_4004_and_sends_nothing() {
        assertThat(retrieve("Cae", "/id-unknown/cse/box").status()).isEqualTo(ResponseStatusCode.NOT_FOUND);
        assertThat(retrieve("Cae", "//other.example/id-in/cse-in").status()).isEqualTo(ResponseStatusCode.NOT_FOUND);
        assertThat(sent).isEmpty();
        assertThat(run.reached).isEmpty();
    }

    @Test
    void refuses_to_forward_a_registration_with_4000() {
        registreeMn();
        RequestPrimitive register = RequestPrimitive.builder(Operation.CREATE, "/id-mn/cse-mn")
                .from("Cae")
                .requestId("reg")
                .releaseVersion("3")
                .resourceType(ResourceType.AE.code())
                .content(Map.of("m2m:ae", Map.of()))
                .build();

        assertThat(handle(register, "/id-in/Cae").status()).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(sent).isEmpty();
    }

    @Test
    void answers_5103_when_the_next_hop_cannot_be_reached() {
        registreeMn();
        hop = request -> CompletableFuture.failedFuture(new IOException("connection refused"));

        ResponsePrimitive response = retrieve("Cae", "/id-mn/cse-mn/box");

        assertThat(response.status()).isEqualTo(ResponseStatusCode.TARGET_NOT_REACHABLE);
        assertThat(response.content().toString()).doesNotContain("connection refused");
        assertThat(run.reached).isEmpty();
    }

    @Test
    void passes_a_request_for_this_cse_on_in_any_address_form_and_sends_nothing() {
        registreeMn();
        for (String to : new String[] {"cse-in/box", "box", "/id-in/cse-in/box", "//citadel.example/id-in/box", "-"}) {
            assertThat(retrieve("Cae", to).status()).as(to).isEqualTo(ResponseStatusCode.OK);
        }
        assertThat(run.reached).hasSize(5);
        assertThat(sent).isEmpty();
    }

    @Test
    void forwards_a_request_for_a_registree_to_its_point_of_access_with_an_sp_relative_from() {
        registreeMn();
        RequestPrimitive request = StageFixture.retrieve("Cae", "/id-mn/cse-mn/box")
                .requestId("fw-1")
                .build();

        ResponsePrimitive response = handle(request, "/id-in/Cae");

        assertThat(run.reached).as("the local stages do not run").isEmpty();
        assertThat(sentTo).containsExactly(MN_POA);
        assertThat(sent).singleElement().satisfies(onward -> {
            assertThat(onward.from()).isEqualTo("/id-in/Cae");
            assertThat(onward.to()).isEqualTo("/id-mn/cse-mn/box");
            assertThat(onward.requestId()).isEqualTo("fw-1");
        });
        assertThat(response.status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(response.requestId())
                .as("answered under the originator's own rqi")
                .isEqualTo("fw-1");
        assertThat(response.content()).isEqualTo(Map.of("m2m:cnt", Map.of()));
    }

    @Test
    void forwards_a_request_for_an_unknown_cse_up_to_the_registrar() {
        fixture.insert(
                ResourceType.REMOTE_CSE,
                "csr-in",
                Map.of("csi", "/id-top", "cb", "/id-top/cse-top", "poa", List.of("http://127.0.0.1:9/top")));
        fixture.remotes.registrar("/id-top");

        assertThat(retrieve("Cae", "/id-far/cse-far/box").status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(sentTo).containsExactly("http://127.0.0.1:9/top");
    }

    @Test
    void passes_the_next_hops_refusal_back_as_it_came() {
        registreeMn();
        hop = request -> CompletableFuture.completedFuture(ResponsePrimitive.error(
                ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE, request.requestId(), "3", "no"));

        ResponsePrimitive response = retrieve("Cae", "/id-mn/cse-mn/box");

        assertThat(response.status()).isEqualTo(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE);
        assertThat(response.content()).isEqualTo(Map.of("m2m:dbg", "no"));
    }
}
