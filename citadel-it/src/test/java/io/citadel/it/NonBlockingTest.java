package io.citadel.it;

import static io.citadel.it.Fixtures.ae;
import static io.citadel.it.Fixtures.container;
import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.OneM2mHttpClient;
import io.citadel.client.OneM2mResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Non-blocking requests over HTTP: {@code rt=1} with a {@code <request>} resource, {@code rt=2} with a NOTIFY of the result. */
@SuppressWarnings("unchecked")
class NonBlockingTest {
    @TempDir
    static Path dir;

    static RunningCse cse;
    static OneM2mHttpClient app;
    static NotificationReceiver receiver;

    @BeforeAll
    static void start() throws Exception {
        cse = TestCse.start(dir);
        receiver = NotificationReceiver.start();
        app = cse.client().as("Cnb");
        assertThat(app.create("cse-in", 2, SubscriptionTest.aeWithPoa("nb", receiver.url()))
                        .rsc())
                .isEqualTo(2001);
        assertThat(app.create("cse-in/nb", 3, container("box")).rsc()).isEqualTo(2001);
    }

    @AfterAll
    static void stop() throws Exception {
        receiver.close();
        cse.close();
    }

    static OneM2mResponse post(OneM2mHttpClient c, String to, int ty, String body, Map<String, String> headers) {
        return c.send("POST", to, "application/json;ty=" + ty, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    @Test
    void a_bad_response_type_is_4000_and_request_resources_are_made_by_the_cse_only() {
        assertThat(post(app, "cse-in/nb/box?rt=7", 4, "{\"m2m:cin\":{\"con\":\"x\"}}", Map.of())
                        .rsc())
                .isEqualTo(4000);
        assertThat(post(app, "cse-in", 17, "{\"m2m:req\":{}}", Map.of()).rsc()).isEqualTo(4005);
    }

    @Test
    void an_unknown_originator_is_refused_before_anything_is_stored_or_queued() {
        OneM2mHttpClient admin = cse.client().as(CseProcess.ADMIN);
        int before = requestResources(admin);
        OneM2mHttpClient ghost = cse.client().as("Cnbghost");
        for (int i = 0; i < 50; i++) {
            assertThat(post(ghost, "cse-in/nb/box?rt=1", 4, "{\"m2m:cin\":{\"con\":\"x\"}}", Map.of())
                            .rsc())
                    .isEqualTo(4106);
            assertThat(post(ghost, "cse-in/nb/box?rt=2", 4, "{\"m2m:cin\":{\"con\":\"x\"}}", Map.of())
                            .rsc())
                    .isEqualTo(4106);
        }
        assertThat(requestResources(admin)).isEqualTo(before);
    }

    @Test
    void one_originator_cannot_fill_the_queue_of_pending_requests_nor_hold_the_workers() throws Exception {
        try (RunningCse own = TestCse.start(dir.resolve("flood"))) {
            OneM2mHttpClient flooder = own.client().as("Cnbflood");
            OneM2mHttpClient other = own.client().as("Cnbpolite");
            assertThat(flooder.create("cse-in", 2, ae("nbflood")).rsc()).isEqualTo(2001);
            assertThat(other.create("cse-in", 2, ae("nbpolite")).rsc()).isEqualTo(2001);
            // each request waits here until its operation execution time (oet), 25 s ahead
            String oet = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
                    .withZone(java.time.ZoneOffset.UTC)
                    .format(java.time.Instant.now().plusSeconds(25));
            Map<String, String> later = Map.of("X-M2M-OET", oet);
            String waiting = null;
            for (int i = 0; i < 100; i++) {
                OneM2mResponse r = flooder.send("GET", "cse-in/nbflood?rt=1", null, null, later);
                assertThat(r.rsc()).as("request %d of the flood", i).isEqualTo(1001);
                waiting = (String) r.content().get("m2m:uri");
            }
            OneM2mResponse over = flooder.send("GET", "cse-in/nbflood?rt=1", null, null, later);
            assertThat(over.rsc()).as("the 101st: %s", over.text()).isEqualTo(4005);
            // another originator still gets a place, and a worker: its request is done while the flood still waits
            OneM2mResponse polite = other.send("GET", "cse-in/nbpolite?rt=1", null, null);
            assertThat(polite.rsc()).isEqualTo(1001);
            Map<String, Object> done =
                    awaitCompleted(other, (String) polite.content().get("m2m:uri"));
            assertThat(((Number) done.get("rs")).intValue()).isEqualTo(1);
            Map<String, Object> stillWaiting =
                    flooder.retrieve("cse-in/" + waiting).resource("m2m:req");
            assertThat(((Number) stillWaiting.get("rs")).intValue())
                    .as("the flood waits for its oet")
                    .isEqualTo(3);
        }
    }

    @Test
    void an_ae_does_not_register_with_a_non_blocking_request() {
        OneM2mHttpClient admin = cse.client().as(CseProcess.ADMIN);
        int before = requestResources(admin);
        for (String rt : new String[] {"1", "2"}) {
            OneM2mResponse r = post(
                    cse.client().as("Cnbnew" + rt),
                    "cse-in?rt=" + rt,
                    2,
                    "{\"m2m:ae\":{\"rn\":\"nbnew" + rt + "\",\"api\":\"Nx\",\"rr\":false,\"srv\":[\"3\"]}}",
                    Map.of());
            assertThat(r.rsc()).as(r.text()).isEqualTo(4000);
        }
        assertThat(requestResources(admin)).isEqualTo(before);
        assertThat(admin.retrieve("cse-in/nbnew1").rsc()).isEqualTo(4004);
    }

    /** How many {@code <request>} resources the CSE holds (discovery as the administrator). */
    private static int requestResources(OneM2mHttpClient admin) {
        OneM2mResponse found = admin.retrieve("cse-in?fu=1&ty=17");
        assertThat(found.rsc()).isEqualTo(2000);
        Object uril = found.content() == null ? null : found.content().get("m2m:uril");
        return uril == null ? 0 : ((java.util.List<?>) uril).size();
    }

    @Test
    void synchronous_non_blocking_leaves_the_result_in_a_request_resource_only_its_originator_reads() throws Exception {
        OneM2mResponse accepted = post(app, "cse-in/nb/box?rt=1", 4, "{\"m2m:cin\":{\"con\":\"later\"}}", Map.of());
        assertThat(accepted.rsc()).isEqualTo(1001);
        assertThat(accepted.httpStatus()).isEqualTo(202);
        String request = (String) accepted.content().get("m2m:uri");
        Map<String, Object> req = awaitCompleted(request);
        assertThat(((Number) req.get("rs")).intValue()).isEqualTo(1);
        Map<String, Object> ors = (Map<String, Object>) req.get("ors");
        assertThat(((Number) ors.get("rsc")).intValue()).isEqualTo(2001);
        assertThat(ors.get("pc").toString()).contains("later");
        assertThat(app.retrieve("cse-in/nb/box/la").resource("m2m:cin")).containsEntry("con", "later");
        OneM2mHttpClient other = cse.client().as("Cnbother");
        other.create("cse-in", 2, ae("nbother"));
        assertThat(other.retrieve("cse-in/" + request).rsc()).isEqualTo(4103);
        assertThat(app.delete("cse-in/" + request).rsc()).isEqualTo(2002);
    }

    @Test
    void a_failing_non_blocking_request_shows_failed_with_the_error() throws Exception {
        OneM2mResponse accepted = app.send("GET", "cse-in/nb/nothing?rt=1", null, null);
        assertThat(accepted.rsc()).isEqualTo(1001);
        Map<String, Object> req = awaitCompleted((String) accepted.content().get("m2m:uri"));
        assertThat(((Number) req.get("rs")).intValue()).isEqualTo(2);
        assertThat(((Number) ((Map<String, Object>) req.get("ors")).get("rsc")).intValue())
                .isEqualTo(4004);
    }

    @Test
    void asynchronous_non_blocking_notifies_the_result_to_the_given_targets_or_the_originator() throws Exception {
        NotificationReceiver other = NotificationReceiver.start();
        try (other) {
            receiver.clear();
            OneM2mResponse accepted = post(
                    app,
                    "cse-in/nb/box?rt=2",
                    4,
                    "{\"m2m:cin\":{\"con\":\"async\"}}",
                    Map.of("X-M2M-RTU", other.url()));
            assertThat(accepted.rsc()).isEqualTo(1002);
            Map<String, Object> rsp = (Map<String, Object>) other.next().body().get("m2m:rsp");
            assertThat(((Number) rsp.get("rsc")).intValue()).isEqualTo(2001);
            assertThat(rsp.get("rqi")).isNotNull();
            // no targets given: the result goes to the originator, at its point of access
            assertThat(app.send("GET", "cse-in/nb/box?rt=2", null, null).rsc()).isEqualTo(1002);
            Map<String, Object> toOriginator =
                    (Map<String, Object>) receiver.next().body().get("m2m:rsp");
            assertThat(((Number) toOriginator.get("rsc")).intValue()).isEqualTo(2000);
            assertThat(toOriginator.get("pc").toString()).contains("m2m:cnt");
        }
    }

    private Map<String, Object> awaitCompleted(String request) throws InterruptedException {
        return awaitCompleted(app, request);
    }

    private static Map<String, Object> awaitCompleted(OneM2mHttpClient owner, String request)
            throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            OneM2mResponse r = owner.retrieve("cse-in/" + request);
            assertThat(r.rsc()).isEqualTo(2000);
            Map<String, Object> req = r.resource("m2m:req");
            if (((Number) req.get("rs")).intValue() != 3) {
                return req;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("request " + request + " still pending");
    }
}
