package io.citadel.it;

import static io.citadel.it.Fixtures.acp;
import static io.citadel.it.Fixtures.ae;
import static io.citadel.it.Fixtures.cin;
import static io.citadel.it.Fixtures.container;
import static io.citadel.it.Fixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.OneM2mHttpClient;
import io.citadel.client.OneM2mResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code <subscription>} and notifications against a real CSE process, with the notification targets as
 * real HTTP endpoints on loopback. Negative cases first.
 */
@SuppressWarnings("unchecked")
class SubscriptionTest {
    @TempDir
    static Path dataDir;

    static RunningCse cse;
    static OneM2mHttpClient owner;
    static NotificationReceiver receiver;

    @BeforeAll
    static void start() throws Exception {
        cse = TestCse.start(dataDir);
        receiver = NotificationReceiver.start();
        owner = cse.client().as("Cowner");
        assertThat(owner.create("cse-in", 2, ae("owner")).rsc()).isEqualTo(2001);
    }

    @AfterAll
    static void stop() throws Exception {
        receiver.close();
        cse.close();
    }

    @BeforeEach
    void quiet() {
        receiver.answer(2000);
        receiver.delay(0);
        receiver.clear();
    }

    static Map<String, Object> sub(String rn, List<String> nu, Map<String, Object> extra) {
        Map<String, Object> s = new LinkedHashMap<>(extra);
        s.put("rn", rn);
        s.put("nu", nu);
        return Map.of("m2m:sub", s);
    }

    static Map<String, Object> sgn(NotificationReceiver.Received r) {
        return r.sgn();
    }

    static Map<String, Object> rep(NotificationReceiver.Received r) {
        return (Map<String, Object>) ((Map<String, Object>) r.sgn().get("nev")).get("rep");
    }

    static int net(NotificationReceiver.Received r) {
        return ((Number) ((Map<String, Object>) r.sgn().get("nev")).get("net")).intValue();
    }

    // ---- refused ----

    @Test
    void a_subscription_without_targets_or_with_bad_criteria_is_4000() {
        owner.create("cse-in/owner", 3, container("bad"));
        assertThat(owner.create("cse-in/owner/bad", 23, Map.of("m2m:sub", Map.of("rn", "s")))
                        .rsc())
                .isEqualTo(4000);
        assertThat(owner.create(
                                "cse-in/owner/bad",
                                23,
                                sub("s", List.of(receiver.url()), Map.of("enc", Map.of("net", List.of(9)))))
                        .rsc())
                .isEqualTo(4000);
        assertThat(owner.create(
                                "cse-in/owner/bad",
                                23,
                                sub("s", List.of(receiver.url()), Map.of("enc", Map.of("nett", List.of(1)))))
                        .rsc())
                .isEqualTo(4000);
        assertThat(owner.create(
                                "cse-in/owner/bad",
                                23,
                                sub("s", List.of(receiver.url()), Map.of("bn", Map.of("num", 0))))
                        .rsc())
                .isEqualTo(4000);
        assertThat(owner.create(
                                "cse-in/owner/bad",
                                23,
                                sub("s", List.of(receiver.url()), Map.of("bn", Map.of("dur", "ten seconds"))))
                        .rsc())
                .isEqualTo(4000);
        assertThat(owner.create("cse-in/owner/bad", 23, sub("s", List.of(receiver.url()), Map.of("nct", 7)))
                        .rsc())
                .isEqualTo(4000);
        OneM2mResponse unsupported = owner.create(
                "cse-in/owner/bad", 23, sub("s", List.of(receiver.url()), Map.of("enc", Map.of("net", List.of(5)))));
        assertThat(unsupported.rsc()).isEqualTo(5001);
        assertThat(unsupported.text()).contains("net 5");
        assertThat(receiver.count()).isZero();
    }

    @Test
    void subscribing_needs_retrieve_privilege_on_the_watched_resource() {
        owner.create("cse-in/owner", 3, container("private"));
        OneM2mHttpClient stranger = cse.client().as("Cstranger");
        stranger.create("cse-in", 2, ae("stranger"));
        assertThat(stranger.create("cse-in/owner/private", 23, sub("s", List.of(receiver.url()), Map.of()))
                        .rsc())
                .isEqualTo(4103);
        assertThat(receiver.count()).isZero();
    }

    @Test
    void a_target_that_refuses_or_cannot_be_reached_fails_verification_with_5204_and_nothing_is_created()
            throws Exception {
        owner.create("cse-in/owner", 3, container("verify"));
        receiver.answer(4103);
        OneM2mResponse refused = owner.create("cse-in/owner/verify", 23, sub("s1", List.of(receiver.url()), Map.of()));
        assertThat(refused.rsc()).isEqualTo(5204);
        assertThat(receiver.next().isVerification()).isTrue();
        int closedPort;
        closedPort = Ports.free();
        OneM2mResponse unreachable = owner.create(
                "cse-in/owner/verify", 23, sub("s2", List.of("http://127.0.0.1:" + closedPort + "/x"), Map.of()));
        assertThat(unreachable.rsc()).isEqualTo(5204);
        assertThat(unreachable.text()).contains("could not be reached");
        assertThat(owner.retrieve("cse-in/owner/verify/s1").rsc()).isEqualTo(4004);
        assertThat(owner.retrieve("cse-in/owner/verify/s2").rsc()).isEqualTo(4004);
    }

    @Test
    void an_ae_target_the_subscriber_may_not_notify_is_4101() {
        OneM2mHttpClient other = cse.client().as("Cvictim");
        assertThat(other.create("cse-in", 2, aeWithPoa("victim", receiver.url()))
                        .rsc())
                .isEqualTo(2001);
        owner.create("cse-in/owner", 3, container("spam"));
        OneM2mResponse r = owner.create("cse-in/owner/spam", 23, sub("s", List.of("Cvictim"), Map.of()));
        assertThat(r.rsc()).isEqualTo(4101);
        assertThat(receiver.count()).isZero();
    }

    // ---- delivered ----

    @Test
    void verification_then_one_notification_per_new_instance_in_order() throws Exception {
        owner.create("cse-in/owner", 3, container("temps"));
        OneM2mResponse created = owner.create(
                "cse-in/owner/temps",
                23,
                sub("watch", List.of(receiver.url()), Map.of("enc", Map.of("net", List.of(3)))));
        assertThat(created.rsc()).isEqualTo(2001);
        String ri = (String) created.resource("m2m:sub").get("ri");
        NotificationReceiver.Received verification = receiver.next();
        assertThat(verification.isVerification()).isTrue();
        assertThat(sgn(verification)).containsEntry("sur", "/id-in/" + ri).containsEntry("cr", "Cowner");
        assertThat(verification.from()).isEqualTo("/id-in");
        for (int i = 0; i < 30; i++) {
            assertThat(owner.create("cse-in/owner/temps", 4, cin("t" + i)).rsc())
                    .isEqualTo(2001);
        }
        for (int i = 0; i < 30; i++) {
            NotificationReceiver.Received n = receiver.next();
            assertThat(net(n)).isEqualTo(3);
            assertThat(sgn(n)).containsEntry("sur", "/id-in/" + ri);
            assertThat((Map<String, Object>) rep(n).get("m2m:cin")).containsEntry("con", "t" + i);
        }
    }

    @Test
    void updates_notify_only_for_watched_attributes_and_nct_2_sends_only_what_changed() throws Exception {
        owner.create("cse-in/owner", 3, container("cfg"));
        assertThat(owner.create(
                                "cse-in/owner/cfg",
                                23,
                                sub(
                                        "lblwatch",
                                        List.of(receiver.url()),
                                        Map.of("enc", Map.of("net", List.of(1), "atr", List.of("lbl")), "nct", 2)))
                        .rsc())
                .isEqualTo(2001);
        receiver.next();
        owner.update("cse-in/owner/cfg", Map.of("m2m:cnt", Map.of("mni", 5)));
        owner.update("cse-in/owner/cfg", Map.of("m2m:cnt", Map.of("lbl", List.of("room:1"))));
        NotificationReceiver.Received n = receiver.next();
        assertThat(net(n)).isEqualTo(1);
        Map<String, Object> cnt = (Map<String, Object>) rep(n).get("m2m:cnt");
        assertThat(cnt).containsEntry("lbl", List.of("room:1")).doesNotContainKey("mni");
        assertThat(receiver.quietFor(300)).isEmpty();
    }

    @Test
    void deleting_the_watched_resource_notifies_then_tells_the_subscriber_the_subscription_is_gone() throws Exception {
        NotificationReceiver subscriber = NotificationReceiver.start();
        try (subscriber) {
            owner.create("cse-in/owner", 3, container("doomed"));
            assertThat(owner.create(
                                    "cse-in/owner/doomed",
                                    23,
                                    sub(
                                            "s",
                                            List.of(receiver.url()),
                                            Map.of("enc", Map.of("net", List.of(2)), "su", subscriber.url())))
                            .rsc())
                    .isEqualTo(2001);
            receiver.next();
            assertThat(owner.delete("cse-in/owner/doomed").rsc()).isEqualTo(2002);
            NotificationReceiver.Received n = receiver.next();
            assertThat(net(n)).isEqualTo(2);
            assertThat(rep(n)).containsKey("m2m:cnt");
            NotificationReceiver.Received gone = subscriber.next();
            assertThat(sgn(gone)).containsEntry("sud", true).containsKey("cr");
        }
    }

    @Test
    void a_notification_forwarding_uri_travels_in_each_notification() throws Exception {
        owner.create("cse-in/owner", 3, container("fwd"));
        assertThat(owner.create(
                                "cse-in/owner/fwd",
                                23,
                                sub(
                                        "s",
                                        List.of(receiver.url()),
                                        Map.of("enc", Map.of("net", List.of(3)), "nfu", "/id-in/grp1/fopt")))
                        .rsc())
                .isEqualTo(2001);
        receiver.next();
        owner.create("cse-in/owner/fwd", 4, cin("x"));
        assertThat(sgn(receiver.nextEvent())).containsEntry("nfu", "/id-in/grp1/fopt");
    }

    @Test
    void the_expiration_counter_deletes_the_subscription_after_that_many_notifications() throws Exception {
        owner.create("cse-in/owner", 3, container("twice"));
        assertThat(owner.create(
                                "cse-in/owner/twice",
                                23,
                                sub(
                                        "s",
                                        List.of(receiver.url()),
                                        Map.of("enc", Map.of("net", List.of(3)), "exc", 2, "su", receiver.url())))
                        .rsc())
                .isEqualTo(2001);
        receiver.next();
        owner.create("cse-in/owner/twice", 4, cin("a"));
        owner.create("cse-in/owner/twice", 4, cin("b"));
        assertThat(net(receiver.next())).isEqualTo(3);
        assertThat(net(receiver.next())).isEqualTo(3);
        assertThat(sgn(receiver.next())).containsEntry("sud", true);
        awaitStatus("cse-in/owner/twice/s", 4004);
        owner.create("cse-in/owner/twice", 4, cin("c"));
        assertThat(receiver.quietFor(300)).isEmpty();
    }

    @Test
    void batch_notify_sends_num_notifications_as_one_aggregated_notification() throws Exception {
        owner.create("cse-in/owner", 3, container("batched"));
        assertThat(owner.create(
                                "cse-in/owner/batched",
                                23,
                                sub(
                                        "s",
                                        List.of(receiver.url()),
                                        Map.of(
                                                "enc",
                                                Map.of("net", List.of(3)),
                                                "bn",
                                                Map.of("num", 3, "dur", "PT30S"))))
                        .rsc())
                .isEqualTo(2001);
        receiver.next();
        for (int i = 0; i < 3; i++) {
            owner.create("cse-in/owner/batched", 4, cin("b" + i));
        }
        NotificationReceiver.Received batch = receiver.next();
        List<Map<String, Object>> sgns =
                (List<Map<String, Object>>) ((Map<String, Object>) batch.body().get("m2m:agn")).get("m2m:sgn");
        assertThat(sgns).hasSize(3);
        assertThat(((Map<String, Object>) ((Map<String, Object>)
                                ((Map<String, Object>) sgns.get(2).get("nev")).get("rep"))
                        .get("m2m:cin")))
                .containsEntry("con", "b2");
    }

    @Test
    void batch_duration_sends_a_partial_batch_and_latest_notify_keeps_only_the_newest() throws Exception {
        owner.create("cse-in/owner", 3, container("latest"));
        assertThat(owner.create(
                                "cse-in/owner/latest",
                                23,
                                sub(
                                        "s",
                                        List.of(receiver.url()),
                                        Map.of(
                                                "enc",
                                                Map.of("net", List.of(3)),
                                                "ln",
                                                true,
                                                "bn",
                                                Map.of("num", 10, "dur", "PT0.5S"))))
                        .rsc())
                .isEqualTo(2001);
        receiver.next();
        for (int i = 0; i < 4; i++) {
            owner.create("cse-in/owner/latest", 4, cin("v" + i));
        }
        NotificationReceiver.Received batch = receiver.next();
        List<Map<String, Object>> sgns =
                (List<Map<String, Object>>) ((Map<String, Object>) batch.body().get("m2m:agn")).get("m2m:sgn");
        assertThat(sgns).hasSize(1);
        assertThat(batch.body().toString()).contains("v3");
    }

    @Test
    void an_ae_subscribing_for_itself_is_not_asked_and_is_notified_at_its_point_of_access() throws Exception {
        NotificationReceiver aeEndpoint = NotificationReceiver.start();
        try (aeEndpoint) {
            OneM2mHttpClient sensor = cse.client().as("Csensor");
            assertThat(sensor.create("cse-in", 2, aeWithPoa("sensor", aeEndpoint.url()))
                            .rsc())
                    .isEqualTo(2001);
            sensor.create("cse-in/sensor", 3, container("data"));
            assertThat(sensor.create(
                                    "cse-in/sensor/data",
                                    23,
                                    sub("s", List.of("Csensor"), Map.of("enc", Map.of("net", List.of(3)), "nct", 3)))
                            .rsc())
                    .isEqualTo(2001);
            sensor.create("cse-in/sensor/data", 4, cin("x"));
            NotificationReceiver.Received n = aeEndpoint.next();
            assertThat(n.isVerification()).isFalse();
            assertThat(rep(n)).containsKey("m2m:uri");
        }
    }

    @Test
    void statistics_count_requests_and_responses_per_target() throws Exception {
        owner.create("cse-in/owner", 3, container("stats"));
        assertThat(owner.create(
                                "cse-in/owner/stats",
                                23,
                                sub(
                                        "s",
                                        List.of(receiver.url()),
                                        Map.of("enc", Map.of("net", List.of(3)), "nse", true)))
                        .rsc())
                .isEqualTo(2001);
        receiver.next();
        owner.create("cse-in/owner/stats", 4, cin("1"));
        owner.create("cse-in/owner/stats", 4, cin("2"));
        receiver.next();
        receiver.next();
        // the statistics are written once each delivery's response is in: read until both are counted
        List<Map<String, Object>> nsi = null;
        for (long end = System.nanoTime() + 10_000_000_000L; System.nanoTime() < end; Thread.sleep(20)) {
            nsi = (List<Map<String, Object>>)
                    owner.retrieve("cse-in/owner/stats/s").resource("m2m:sub").get("nsi");
            if (nsi != null && nsi.size() == 1 && ((Number) nsi.get(0).get("rsr")).intValue() >= 2) {
                break;
            }
        }
        assertThat(nsi).hasSize(1);
        assertThat(nsi.get(0)).containsEntry("tg", receiver.url());
        assertThat(((Number) nsi.get(0).get("rqs")).intValue()).isEqualTo(2);
        assertThat(((Number) nsi.get(0).get("rsr")).intValue()).isEqualTo(2);
    }

    @Test
    void a_failing_target_is_retried_until_it_answers() throws Exception {
        owner.create("cse-in/owner", 3, container("flaky"));
        assertThat(owner.create(
                                "cse-in/owner/flaky",
                                23,
                                sub("s", List.of(receiver.url()), Map.of("enc", Map.of("net", List.of(3)))))
                        .rsc())
                .isEqualTo(2001);
        receiver.next();
        receiver.answer(5000);
        owner.create("cse-in/owner/flaky", 4, cin("first"));
        owner.create("cse-in/owner/flaky", 4, cin("second"));
        assertThat(rep(receiver.next()).toString()).contains("first");
        assertThat(rep(receiver.next()).toString()).contains("first"); // retried, the second waits behind it
        receiver.answer(2000);
        List<String> seen = new ArrayList<>();
        while (!seen.contains("second")) {
            String r = rep(receiver.next()).toString();
            seen.add(r.contains("second") ? "second" : "first");
        }
        assertThat(seen.indexOf("second")).isEqualTo(seen.size() - 1);
    }

    @Test
    void a_dead_or_silent_receiver_does_not_slow_requests() throws Exception {
        owner.create("cse-in/owner", 3, container("load"));
        assertThat(owner.create(
                                "cse-in/owner/load",
                                23,
                                sub("live", List.of(receiver.url()), Map.of("enc", Map.of("net", List.of(3)))))
                        .rsc())
                .isEqualTo(2001);
        int n = 200;
        long[] before = timeCreates("cse-in/owner/load", n);
        NotificationReceiver gone = NotificationReceiver.start();
        NotificationReceiver silent = NotificationReceiver.start();
        try (silent) {
            assertThat(owner.create(
                                    "cse-in/owner/load",
                                    23,
                                    sub(
                                            "dead",
                                            List.of(gone.url(), silent.url()),
                                            Map.of("enc", Map.of("net", List.of(3)))))
                            .rsc())
                    .isEqualTo(2001);
            gone.close(); // connection refused from now on
            silent.delay(60_000); // accepts, never answers in time
            long[] after = timeCreates("cse-in/owner/load", n);
            System.out.printf(
                    "[notify] CREATE cin latency, %d requests: without dead targets p50 %.2f ms p99 %.2f ms; "
                            + "with a refusing and a silent target p50 %.2f ms p99 %.2f ms%n",
                    n, before[n / 2] / 1e6, before[n * 99 / 100] / 1e6, after[n / 2] / 1e6, after[n * 99 / 100] / 1e6);
            // a request held up by a receiver would take at least the 5 s notification timeout
            assertThat(after[n - 1]).isLessThan(5_000_000_000L);
            int live = 0;
            while (live < 2 * n) {
                if (!receiver.next().isVerification()) {
                    live++;
                }
            }
        }
    }

    private static long[] timeCreates(String container, int n) {
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            assertThat(owner.create(container, 4, cin("l" + i)).rsc()).isEqualTo(2001);
            nanos[i] = System.nanoTime() - t0;
        }
        java.util.Arrays.sort(nanos);
        return nanos;
    }

    private static void awaitStatus(String path, int rsc) throws InterruptedException {
        for (int i = 0; i < 100 && owner.retrieve(path).rsc() != rsc; i++) {
            Thread.sleep(50);
        }
        assertThat(owner.retrieve(path).rsc()).isEqualTo(rsc);
    }

    static Map<String, Object> aeWithPoa(String rn, String poa) {
        Map<String, Object> ae = new LinkedHashMap<>((Map<String, Object>) ae(rn).get("m2m:ae"));
        ae.put("rr", true);
        ae.put("poa", List.of(poa));
        return Map.of("m2m:ae", ae);
    }

    @Test
    void an_acp_granting_notify_lets_another_ae_be_the_target() throws Exception {
        NotificationReceiver listener = NotificationReceiver.start();
        try (listener) {
            OneM2mHttpClient other = cse.client().as("Clistener");
            assertThat(other.create("cse-in", 2, aeWithPoa("listener", listener.url()))
                            .rsc())
                    .isEqualTo(2001);
            assertThat(other.create(
                                    "cse-in/listener",
                                    1,
                                    acp(
                                            "letnotify",
                                            List.of(rule(List.of("Cowner", "/id-in"), 16)),
                                            List.of(rule(List.of("Clistener"), 63))))
                            .rsc())
                    .isEqualTo(2001);
            String acpRi = (String) other.retrieve("cse-in/listener/letnotify")
                    .resource("m2m:acp")
                    .get("ri");
            assertThat(other.update("cse-in/listener", Map.of("m2m:ae", Map.of("acpi", List.of(acpRi))))
                            .rsc())
                    .isEqualTo(2004);
            owner.create("cse-in/owner", 3, container("shared"));
            assertThat(owner.create(
                                    "cse-in/owner/shared",
                                    23,
                                    sub("s", List.of("Clistener"), Map.of("enc", Map.of("net", List.of(3)))))
                            .rsc())
                    .isEqualTo(2001);
            assertThat(listener.next().isVerification()).isTrue();
            owner.create("cse-in/owner/shared", 4, cin("hello"));
            assertThat(rep(listener.next()).toString()).contains("hello");
        }
    }
}
