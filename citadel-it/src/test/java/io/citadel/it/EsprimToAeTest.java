package io.citadel.it;

import static io.citadel.it.Fixtures.acp;
import static io.citadel.it.Fixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.client.EsprimClient;
import io.citadel.client.EsprimResponder;
import io.citadel.client.HttpTransport;
import io.citadel.client.OneM2mClient;
import io.citadel.client.OneM2mResponse;
import io.citadel.e2e.escertke.EsCertKeTerminal;
import io.citadel.e2e.esprim.EsprimReceiver;
import io.citadel.e2e.esprim.PairwiseKeys;
import io.citadel.e2e.esprim.SessionKeys;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ESPrim from one AE to another through their CSE, which only relays: AE CaeA asks AE CaeB a question sealed for it
 * (the outer NOTIFY to CaeB's {@code <AE>}, re-targeted by the CSE after checking CaeA's NOTIFY privilege); CaeB opens
 * it ({@link EsprimResponder}), answers, and the answer comes back sealed. Refusals first: an originator without NOTIFY
 * privilege on CaeB (4103, nothing reaches CaeB), a key CaeB does not hold (4112), a flipped key (4115); the CSE's
 * log never shows the answer.
 */
class EsprimToAeTest {
    static final String KID = "esprim-a-b@citadel.example";

    @TempDir
    static Path dir;

    static TestCse cse;
    static byte[] pairwise = new byte[32];
    static OneM2mClient a;
    static OneM2mClient b;
    static OneM2mClient stranger;
    static final List<RequestPrimitive> reachedB = new CopyOnWriteArrayList<>();
    static Pem certA;
    static Pem certB;
    static Pem strangerCert;

    @BeforeAll
    static void start() throws Exception {
        new SecureRandom().nextBytes(pairwise);
        cse = TestCse.in(dir.resolve("cse")).start();
        String base = "http://127.0.0.1:" + cse.port();
        HttpTransport bTransport = HttpTransport.connect(base, null);
        // CaeB also terminates ESCertKE: it admits CaeA's certificate (bound to /id-in/CaeA) and proves its own
        certA = Pem.make(dir, "caea", "URI:onem2m://citadel.example/id-in/CaeA", null);
        certB = Pem.make(dir, "caeb", "URI:onem2m://citadel.example/id-in/CaeB", null);
        strangerCert = Pem.make(dir, "stranger", "URI:onem2m://citadel.example/id-in/Cstranger", null);
        EsCertKeTerminal terminal = new EsCertKeTerminal(
                certB.credential(),
                Map.of(certA.certificate(), "/id-in/CaeA"),
                EsCertKeTerminal.Settings.defaults(),
                Clock.systemUTC());
        String poa = bTransport.receive(EsprimResponder.withEsCertKe(
                (kid, now) -> KID.equals(kid)
                        ? Optional.of(new PairwiseKeys.PairwiseKey(KID, pairwise, "/id-in/CaeA"))
                        : Optional.empty(),
                EsprimReceiver.Settings.defaults(),
                terminal,
                List.of("/id-in/cse-in/CaeB"),
                (inner, authenticated) -> {
                    assertThat(authenticated).isEqualTo("/id-in/CaeA");
                    reachedB.add(inner);
                    if (inner.to().endsWith("/locked")) {
                        throw new io.citadel.protocol.OneM2mException(
                                ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE, "the lock is not yours");
                    }
                    return ResponsePrimitive.of(
                            ResponseStatusCode.OK, inner, Map.of("m2m:cin", Map.of("con", "valve-open-42")));
                },
                n -> ResponsePrimitive.of(ResponseStatusCode.OK, n, null)));
        b = new OneM2mClient(bTransport, "CaeB");
        assertThat(b.create("/id-in/cse-in", 2, ae("CaeB", List.of(poa))).status())
                .isEqualTo(ResponseStatusCode.CREATED);
        a = new OneM2mClient(HttpTransport.connect(base, null), "CaeA");
        assertThat(a.create("/id-in/cse-in", 2, ae("CaeA", List.of())).status()).isEqualTo(ResponseStatusCode.CREATED);
        stranger = new OneM2mClient(HttpTransport.connect(base, null), "Cstranger");
        assertThat(stranger.create("/id-in/cse-in", 2, ae("Cstranger", List.of()))
                        .status())
                .isEqualTo(ResponseStatusCode.CREATED);
        OneM2mResponse policy = cse.client()
                .as(CseProcess.ADMIN)
                .create(
                        "cse-in",
                        1,
                        acp("acp-b", List.of(rule(List.of("CaeA"), 16)), List.of(rule(List.of("CaeB"), 63))));
        assertThat(policy.rsc()).as(policy.text()).isEqualTo(2001);
        String acpId = (String) policy.resource("m2m:acp").get("ri");
        assertThat(b.update("/id-in/cse-in/CaeB", Map.of("m2m:ae", Map.of("acpi", List.of(acpId))))
                        .status())
                .isEqualTo(ResponseStatusCode.UPDATED);
    }

    static Map<String, Object> ae(String rn, List<String> poa) {
        return Map.of(
                "m2m:ae", Map.of("rn", rn, "api", "Nesprim", "rr", !poa.isEmpty(), "srv", List.of("3"), "poa", poa));
    }

    @AfterAll
    static void stop() {
        if (cse != null) {
            cse.close();
        }
    }

    @Test
    void an_ae_agrees_a_key_with_another_by_escertke_through_the_cse_and_asks_it_end_to_end() {
        // refusals first: a certificate CaeB does not admit (the CSE relays CaeB's 4106), a CaeB that is not the one
        // CaeA was told of (CaeA stops), and an originator without NOTIFY privilege on CaeB (the CSE refuses)
        assertThatThrownBy(() -> io.citadel.client.EsCertKeClient.establish(
                        a, "/id-in/cse-in/CaeB", strangerCert.credential(), certB.certificate()))
                .isInstanceOfSatisfying(
                        EsprimClient.OuterFailure.class,
                        f -> assertThat(f.status()).isEqualTo(ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED));
        assertThatThrownBy(() -> io.citadel.client.EsCertKeClient.establish(
                        a, "/id-in/cse-in/CaeB", certA.credential(), strangerCert.certificate()))
                .isInstanceOf(io.citadel.e2e.escertke.EsCertKeException.class);
        assertThatThrownBy(() -> io.citadel.client.EsCertKeClient.establish(
                        stranger, "/id-in/cse-in/CaeB", certA.credential(), certB.certificate()))
                .isInstanceOfSatisfying(
                        EsprimClient.OuterFailure.class,
                        f -> assertThat(f.status()).isEqualTo(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE));
        int before = reachedB.size();
        try (EsprimClient e2e = EsprimClient.overEsCertKe(
                a,
                "/id-in/cse-in/CaeB",
                "/id-in/CaeA",
                certA.credential(),
                certB.certificate(),
                SessionKeys.Input.VALUES)) {
            ResponsePrimitive answer = e2e.send(Operation.RETRIEVE, "/id-in/cse-in/CaeB/valve", r -> r);
            assertThat(answer.status()).isEqualTo(ResponseStatusCode.OK);
            assertThat(answer.content()).isEqualTo(Map.of("m2m:cin", Map.of("con", "valve-open-42")));
            assertThat(e2e.keyId()).matches("[0-9a-f]{32}");
        }
        assertThat(reachedB).hasSize(before + 1);
        assertThat(reachedB.get(before).from()).isEqualTo("/id-in/CaeA");
    }

    static EsprimClient esprim(OneM2mClient hop, String from, String kid, byte[] key) {
        return new EsprimClient(hop, "/id-in/cse-in/CaeB", from, kid, key, SessionKeys.Input.VALUES);
    }

    @Test
    void an_ae_asks_another_through_the_cse_which_only_relays() {
        int before = reachedB.size(); // the other test may have run first
        try (EsprimClient denied = esprim(stranger, "/id-in/Cstranger", KID, pairwise)) {
            assertThatThrownBy(() -> denied.send(Operation.RETRIEVE, "/id-in/cse-in/CaeB/valve", r -> r))
                    .isInstanceOfSatisfying(
                            EsprimClient.OuterFailure.class,
                            f -> assertThat(f.status()).isEqualTo(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE));
        }
        try (EsprimClient unknown = esprim(a, "/id-in/CaeA", "esprim-other@citadel.example", pairwise)) {
            assertThatThrownBy(() -> unknown.send(Operation.RETRIEVE, "/id-in/cse-in/CaeB/valve", r -> r))
                    .isInstanceOfSatisfying(
                            EsprimClient.OuterFailure.class,
                            f -> assertThat(f.status()).isEqualTo(ResponseStatusCode.ESPRIM_UNKNOWN_KEY_ID));
        }
        byte[] flipped = pairwise.clone();
        flipped[3] ^= 1;
        try (EsprimClient wrong = esprim(a, "/id-in/CaeA", KID, flipped)) {
            assertThatThrownBy(() -> wrong.send(Operation.RETRIEVE, "/id-in/cse-in/CaeB/valve", r -> r))
                    .isInstanceOfSatisfying(
                            EsprimClient.OuterFailure.class,
                            f -> assertThat(f.status()).isEqualTo(ResponseStatusCode.ESPRIM_BAD_MAC));
        }
        try (EsprimClient elsewhere = esprim(a, "/id-in/CaeA", KID, pairwise)) {
            assertThatThrownBy(() -> elsewhere.send(Operation.RETRIEVE, "/id-in/cse-in/CaeC/valve", r -> r))
                    .as("an inner request for another entity than the AE it was sealed for")
                    .isInstanceOfSatisfying(
                            EsprimClient.OuterFailure.class,
                            f -> assertThat(f.status()).isEqualTo(ResponseStatusCode.OPERATION_NOT_ALLOWED));
        }
        assertThat(reachedB).hasSize(before);

        try (EsprimClient e2e = esprim(a, "/id-in/CaeA", KID, pairwise)) {
            ResponsePrimitive answer = e2e.send(Operation.RETRIEVE, "/id-in/cse-in/CaeB/valve", r -> r);
            assertThat(answer.status()).isEqualTo(ResponseStatusCode.OK);
            assertThat(answer.content()).isEqualTo(Map.of("m2m:cin", Map.of("con", "valve-open-42")));
        }
        try (EsprimClient e2e = esprim(a, "/id-in/CaeA", KID, pairwise)) {
            ResponsePrimitive refusal = e2e.send(Operation.RETRIEVE, "/id-in/cse-in/CaeB/locked", r -> r);
            assertThat(refusal.status())
                    .as("the AE's own refusal comes back sealed, as its answer")
                    .isEqualTo(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE);
        }
        assertThat(reachedB.subList(before, reachedB.size())).hasSize(2).first().satisfies(inner -> {
            assertThat(inner.from()).isEqualTo("/id-in/CaeA");
            assertThat(inner.to()).isEqualTo("/id-in/cse-in/CaeB/valve");
        });
        assertThat(cse.output()).doesNotContain("valve-open-42");
    }
}
