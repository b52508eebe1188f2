package io.citadel.it;

import static io.citadel.it.Fixtures.ae;
import static io.citadel.it.Fixtures.cin;
import static io.citadel.it.Fixtures.container;
import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.OneM2mHttpClient;
import io.citadel.client.OneM2mResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An AE that cannot be reached gets its notifications by polling its {@code <pollingChannel>}. */
@SuppressWarnings("unchecked")
class PollingChannelTest {
    @TempDir
    static Path dir;

    static RunningCse cse;
    static OneM2mHttpClient poller;

    @BeforeAll
    static void start() throws Exception {
        cse = TestCse.start(dir);
        poller = cse.client().as("Cpoller");
        assertThat(poller.create("cse-in", 2, ae("poller")).rsc()).isEqualTo(2001); // rr=false, no poa
        assertThat(poller.create("cse-in/poller", 15, Map.of("m2m:pch", Map.of("rn", "pch")))
                        .rsc())
                .isEqualTo(2001);
        assertThat(poller.create("cse-in/poller", 3, container("box")).rsc()).isEqualTo(2001);
    }

    @AfterAll
    static void stop() throws Exception {
        cse.close();
    }

    static OneM2mResponse answer(OneM2mHttpClient c, String body) {
        return c.send("POST", "cse-in/poller/pch/pcu", "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void only_the_owner_may_poll_or_answer_and_answers_must_match_a_fetched_request() {
        OneM2mHttpClient other = cse.client().as("Cnotowner");
        other.create("cse-in", 2, ae("notowner"));
        assertThat(other.retrieve("cse-in/poller/pch/pcu").rsc()).isEqualTo(4103);
        assertThat(answer(other, "{\"m2m:rsp\":{\"rsc\":2000,\"rqi\":\"x\"}}").rsc())
                .isEqualTo(4103);
        assertThat(answer(poller, "{\"m2m:rsp\":{\"rsc\":2000,\"rqi\":\"never-sent\"}}")
                        .rsc())
                .isEqualTo(4004);
        assertThat(answer(poller, "{\"m2m:rsp\":{\"rsc\":2000}}").rsc()).isEqualTo(4000);
        assertThat(poller.send("DELETE", "cse-in/poller/pch/pcu", null, null).rsc())
                .isEqualTo(4005);
    }

    @Test
    void a_poll_with_nothing_waiting_ends_with_4008_when_its_expiration_comes() {
        long t0 = System.nanoTime();
        OneM2mResponse r = poller.send("GET", "cse-in/poller/pch/pcu", null, null, Map.of("X-M2M-RET", "1000"));
        assertThat(r.rsc()).isEqualTo(4008);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(20_000);
    }

    @Test
    void notifications_for_an_unreachable_ae_are_fetched_through_the_channel_and_answered_there() throws Exception {
        assertThat(poller.create(
                                "cse-in/poller/box",
                                23,
                                Map.of(
                                        "m2m:sub",
                                        Map.of(
                                                "rn",
                                                "s",
                                                "nu",
                                                List.of("Cpoller"),
                                                "enc",
                                                Map.of("net", List.of(3)),
                                                "nse",
                                                true)))
                        .rsc())
                .isEqualTo(2001);
        CompletableFuture<OneM2mResponse> poll =
                CompletableFuture.supplyAsync(() -> poller.retrieve("cse-in/poller/pch/pcu"));
        Thread.sleep(200);
        assertThat(poller.create("cse-in/poller/box", 4, cin("polled")).rsc()).isEqualTo(2001);
        OneM2mResponse fetched = poll.get();
        assertThat(fetched.rsc()).isEqualTo(2000);
        Map<String, Object> rqp = (Map<String, Object>) fetched.content().get("m2m:rqp");
        assertThat(((Number) rqp.get("op")).intValue()).isEqualTo(5);
        assertThat(rqp.get("pc").toString()).contains("polled").contains("m2m:sgn");
        assertThat(answer(poller, "{\"m2m:rsp\":{\"rsc\":2000,\"rqi\":\"" + rqp.get("rqi") + "\"}}")
                        .rsc())
                .isEqualTo(2000);
        // delivered once: the dispatcher counts one request and one response, and nothing is fetched again
        Map<String, Object> nsi = null;
        for (long end = System.nanoTime() + 10_000_000_000L; System.nanoTime() < end; Thread.sleep(20)) {
            nsi = ((List<Map<String, Object>>) poller.retrieve("cse-in/poller/box/s")
                            .resource("m2m:sub")
                            .get("nsi"))
                    .get(0);
            if (((Number) nsi.get("rsr")).intValue() >= 1) {
                break;
            }
        }
        assertThat(((Number) nsi.get("rsr")).intValue()).isEqualTo(1);
        assertThat(poller.send("GET", "cse-in/poller/pch/pcu", null, null, Map.of("X-M2M-RET", "500"))
                        .rsc())
                .isEqualTo(4008);
        // waiting requests are queued while nobody polls
        poller.create("cse-in/poller/box", 4, cin("queued"));
        Thread.sleep(200);
        OneM2mResponse later = poller.retrieve("cse-in/poller/pch/pcu");
        assertThat(later.rsc()).isEqualTo(2000);
        assertThat(later.text()).contains("queued");
    }
}
