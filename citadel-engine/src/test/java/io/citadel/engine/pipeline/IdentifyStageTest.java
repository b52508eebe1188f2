package io.citadel.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.credentials.Credential;
import io.citadel.credentials.LevelOfAssurance;
import io.citadel.credentials.SecurityAssociation;
import io.citadel.engine.CseSettings;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The identify stage binds {@code From} to what the hop's security association proved (4106, 4107). */
class IdentifyStageTest {
    private final StageFixture fixture = new StageFixture();
    private final StageFixture.Run run = new StageFixture.Run(
            new IdentifyStage(StageFixture.SETTINGS, StageFixture.IDS, fixture.repository, fixture.remotes));

    @AfterEach
    void close() {
        fixture.close();
    }

    private static RequestContext over(SecurityAssociation association) {
        return new RequestContext("192.0.2.7", association, false, Instant.now());
    }

    private static RequestPrimitive from(String from) {
        return StageFixture.retrieve(from, "/id-in/cse-in").build();
    }

    private static RequestPrimitive registration(String from) {
        return RequestPrimitive.builder(Operation.CREATE, "/id-in/cse-in")
                .from(from)
                .requestId("reg")
                .releaseVersion("3")
                .resourceType(ResourceType.AE.code())
                .content(Map.of("m2m:ae", Map.of()))
                .build();
    }

    private void assertRefused(ResponsePrimitive response, ResponseStatusCode expected) {
        assertThat(response.status()).isEqualTo(expected);
        assertThat(run.reached).as("nothing behind the identify stage runs").isEmpty();
    }

    private String identified() {
        assertThat(run.reached).hasSize(1);
        return run.reached.get(0).get(Facts.ORIGINATOR_ID);
    }

    @Test
    void refuses_an_unregistered_ae_id_of_this_cse_without_an_association_with_4106() {
        assertRefused(run.handle(from("Cnobody")), ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED);
        assertRefused(run.handle(from("/id-in/Cnobody")), ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED);
        assertRefused(run.handle(from("Snobody")), ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED);
    }

    @Test
    void refuses_an_ae_of_another_cse_without_an_association_with_4106() {
        assertRefused(run.handle(from("/id-mn/Cremote")), ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED);
    }

    @Test
    void refuses_an_ae_that_registered_over_an_association_when_it_comes_without_one_with_4107() {
        fixture.insert(
                ResourceType.AE,
                "Csecured",
                Map.of("aei", "Csecured", IdentifyStage.SECURED_REGISTRATION, "12-secured@psk.example"));

        assertRefused(run.handle(from("Csecured")), ResponseStatusCode.SECURITY_ASSOCIATION_REQUIRED);
    }

    @Test
    void refuses_a_from_the_association_does_not_prove_with_4106() {
        SecurityAssociation sensor = new SecurityAssociation("12-sensor@psk.example", Set.of("/id-in/Csensor"));
        fixture.insert(ResourceType.AE, "Cother", Map.of("aei", "Cother"));

        assertRefused(run.handle(from("Cother"), over(sensor)), ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED);
        assertRefused(
                run.handle(from(StageFixture.ADMIN), over(sensor)), ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED);
        assertRefused(run.handle(registration(null), over(sensor)), ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED);
    }

    @Test
    void refuses_a_cse_id_without_an_association_with_4107_unless_it_is_a_listed_insecure_peer() {
        assertRefused(run.handle(from("/id-mn")), ResponseStatusCode.SECURITY_ASSOCIATION_REQUIRED);
        assertRefused(run.handle(from("//citadel.example/id-mn")), ResponseStatusCode.SECURITY_ASSOCIATION_REQUIRED);

        CseSettings lab = new CseSettings(
                "/id-in",
                "cse-in",
                "//citadel.example",
                1,
                StageFixture.ADMIN,
                List.of("C*"),
                List.of(),
                100,
                List.of("/id-mn"));
        StageFixture.Run labRun =
                new StageFixture.Run(new IdentifyStage(lab, StageFixture.IDS, fixture.repository, fixture.remotes));
        assertThat(labRun.handle(from("/id-mn")).status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(labRun.reached.get(0).get(Authentication.KEY).assurance()).isEqualTo(LevelOfAssurance.ASSERTED);
        assertThat(labRun.handle(from("/id-asn")).status()).isEqualTo(ResponseStatusCode.SECURITY_ASSOCIATION_REQUIRED);
        // an entity behind the lab peer, relayed without any association: no level, not even 1
        labRun.reached.clear();
        assertThat(labRun.handle(from("/id-mn/Cbehind")).status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(labRun.reached.get(0).get(Authentication.KEY).assurance()).isNull();
    }

    @Test
    void identifies_a_registered_unsecured_ae_in_normalised_form_as_unauthenticated() {
        fixture.insert(ResourceType.AE, "Cplain", Map.of("aei", "Cplain"));

        assertThat(run.handle(from("Cplain")).status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(identified()).isEqualTo("/id-in/Cplain");
        Authentication auth = run.reached.get(0).get(Authentication.KEY);
        assertThat(auth.authenticated()).isFalse();
        assertThat(auth.ae()).map(r -> r.ri()).contains("Cplain");
    }

    @Test
    void identifies_what_the_association_proves_as_authenticated_also_in_sp_relative_or_absolute_form() {
        SecurityAssociation sensor = new SecurityAssociation("12-sensor@psk.example", Set.of("/id-in/Csensor"));

        assertThat(run.handle(from("//citadel.example/id-in/Csensor"), over(sensor))
                        .status())
                .isEqualTo(ResponseStatusCode.OK);
        assertThat(identified()).isEqualTo("/id-in/Csensor");
        assertThat(run.reached.get(0).get(Authentication.KEY).authenticated()).isTrue();
        assertThat(run.handle(registration("Csensor"), over(sensor)).status()).isEqualTo(ResponseStatusCode.OK);
    }

    @Test
    void identifies_the_administrator_a_cse_over_its_association_and_an_anonymous_ae_registration() {
        assertThat(run.handle(from(StageFixture.ADMIN)).status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(identified()).isEqualTo("/id-in/" + StageFixture.ADMIN);
        assertThat(run.reached.get(0).get(Authentication.KEY).admin()).isTrue();
        run.reached.clear();

        SecurityAssociation mn = new SecurityAssociation("3-mn@ca.example", Set.of("/id-mn"));
        assertThat(run.handle(from("/id-mn"), over(mn)).status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(identified()).isEqualTo("/id-mn");
        assertThat(run.reached.get(0).get(Authentication.KEY).cse()).isTrue();
        run.reached.clear();

        assertThat(run.handle(registration(null)).status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(identified()).isEmpty();
        assertThat(run.reached.get(0).get(Authentication.KEY)).isEqualTo(Authentication.anonymous());
    }

    @Test
    void lets_a_registered_cse_relay_for_its_own_aes_but_not_for_others() {
        fixture.insert(ResourceType.REMOTE_CSE, "csr-mn", Map.of("csi", "/id-mn", "cb", "/id-mn/cse-mn"));
        SecurityAssociation mn = new SecurityAssociation("3-mn@ca.example", Set.of("/id-mn"));

        assertThat(run.handle(from("/id-mn/Cbehind"), over(mn)).status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(identified()).isEqualTo("/id-mn/Cbehind");
        run.reached.clear();
        assertRefused(
                run.handle(from("/id-asn/Celsewhere"), over(mn)), ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED);
    }

    @Test
    void a_relayed_originator_has_no_level_of_assurance_a_proven_one_has_its_associations_and_a_plain_one_asserts() {
        fixture.insert(ResourceType.REMOTE_CSE, "csr-mn", Map.of("csi", "/id-mn", "cb", "/id-mn/cse-mn"));
        fixture.insert(ResourceType.AE, "Cplain", Map.of("aei", "Cplain"));
        SecurityAssociation mn =
                new SecurityAssociation("32-mn.citadel.example", Set.of("/id-mn"), Credential.Kind.CERTIFICATE);

        assertThat(run.handle(from("/id-mn/Cbehind"), over(mn)).status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(run.reached.get(0).get(Authentication.KEY).assurance())
                .as("how the MN-CSE's AE authenticated is not known here, however strong the hop")
                .isNull();
        run.reached.clear();
        assertThat(run.handle(from("/id-mn"), over(mn)).status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(run.reached.get(0).get(Authentication.KEY).assurance()).isEqualTo(LevelOfAssurance.CERTIFIED);
        run.reached.clear();
        SecurityAssociation sensor =
                new SecurityAssociation("12-sensor@psk.example", Set.of("/id-in/Csensor"), Credential.Kind.PSK);
        assertThat(run.handle(from("Csensor"), over(sensor)).status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(run.reached.get(0).get(Authentication.KEY).assurance()).isEqualTo(LevelOfAssurance.SHARED_KEY);
        run.reached.clear();
        assertThat(run.handle(from("Cplain")).status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(run.reached.get(0).get(Authentication.KEY).assurance()).isEqualTo(LevelOfAssurance.ASSERTED);
    }
}
