package io.citadel.engine.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.engine.authorization.AccessQuestion;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.WriteOnly;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponseStatusCode;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** The rules of a mgmtObj beyond the schema. Negative cases first. */
class MgmtObjBehaviourTest {
    private static final MgmtObjBehaviour BEHAVIOUR = new MgmtObjBehaviour();
    private static final Resource CSE_BASE =
            new Resource("cse", ResourceType.CSE_BASE, "", "cse-in", "cse-in", 1, "admin", Map.of());
    private static final Resource NODE = new Resource(
            "nod1", ResourceType.NODE, "cse", "dev1", "cse-in/dev1", 2, "admin", Map.of("ni", "urn:dev:1"));

    private static Map<String, Object> attrs(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static void create(Map<String, Object> attributes) {
        BEHAVIOUR.prepareCreate(
                new CreateDraft(NODE, new HashMap<>(attributes), "Cadmin", "Cadmin", "mgo1", Instant.now()));
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> refused(Runnable r) {
        return assertThatThrownBy(r::run)
                .isInstanceOfSatisfying(
                        OneM2mException.class, e -> assertThat(e.status()).isEqualTo(ResponseStatusCode.BAD_REQUEST));
    }

    private static Resource stored(Map<String, Object> attributes) {
        return new Resource("mgo1", ResourceType.MGMT_OBJ, "nod1", "m", "cse-in/dev1/m", 3, "admin", attributes);
    }

    @Test
    void a_mgmt_obj_outside_a_node_is_an_invalid_child() {
        assertThatThrownBy(() -> BEHAVIOUR.createAccess(CSE_BASE, attrs("mgd", 1001L), "Cadmin"))
                .isInstanceOfSatisfying(
                        OneM2mException.class,
                        e -> assertThat(e.status()).isEqualTo(ResponseStatusCode.INVALID_CHILD_RESOURCE_TYPE));
    }

    @Test
    void the_mgd_of_the_create_is_the_specialization_acod_spty_is_compared_with() {
        AccessQuestion json = BEHAVIOUR.createAccess(NODE, attrs("mgd", 1022L, "suid", 12L), "Cadmin");
        assertThat(json).isInstanceOfSatisfying(AccessQuestion.Privilege.class, p -> {
            assertThat(p.createdType()).isEqualTo(13);
            assertThat(p.specialization()).isEqualTo("1022");
            assertThat(p.target()).isSameAs(NODE);
        });
        AccessQuestion xml = BEHAVIOUR.createAccess(NODE, attrs("mgd", "1022"), "Cadmin");
        assertThat(((AccessQuestion.Privilege) xml).specialization()).isEqualTo("1022");
    }

    @Test
    void opposite_actions_at_once_are_refused() {
        refused(() -> create(attrs("mgd", 1009L, "rbo", true, "far", true)))
                .hasMessage("'rbo' and 'far' cannot both be true");
        Map<String, Object> sw = attrs("mgd", 1002L, "vr", "1", "swn", "s", "url", "https://x.example/s");
        refused(() -> BEHAVIOUR.checkUpdate(stored(sw), attrs("in", true, "un", true)))
                .hasMessage("'in' and 'un' cannot both be true");
        refused(() -> BEHAVIOUR.checkUpdate(stored(sw), attrs("act", true, "dea", true)))
                .hasMessage("'act' and 'dea' cannot both be true");
        Resource rebooted = stored(attrs("mgd", 1009L, "rbo", true));
        assertThatCode(() -> BEHAVIOUR.checkUpdate(rebooted, attrs("far", true)))
                .doesNotThrowAnyException();
    }

    @Test
    void an_authentication_profile_carries_what_its_suid_needs() {
        refused(() -> create(attrs("mgd", 1022L, "suid", 12L, "tlscs", List.of(49320L))))
                .hasMessage("SUID 12 needs skid (symmKeyID)");
        refused(() -> create(attrs("mgd", 1022L, "suid", 22L, "tlscs", List.of(49320L))))
                .hasMessage("SUID 22 needs krd (keyRegDuration)");
        refused(() -> create(attrs("mgd", 1022L, "suid", 42L, "tlscs", List.of(49195L))))
                .hasMessage("SUID 42 needs mcfp (myCertFingerprint)");
        refused(() -> create(attrs("mgd", 1022L, "suid", 12L, "skid", "k@mef.example")))
                .hasMessage("SUID 12 needs tlscs (TLSCiphersuites)");
        assertThatCode(() -> create(attrs("mgd", 1022L, "suid", 13L, "skid", "k@mef.example")))
                .doesNotThrowAnyException();
    }

    @Test
    void a_key_value_is_kept_only_for_a_pre_provisioned_key() {
        refused(() -> create(attrs("mgd", 1022L, "suid", 22L, "krd", "PT1H", "tlscs", List.of(1L), "skv", "c2VjcmV0")))
                .hasMessage("skv (symmKeyValue) is kept only for a pre-provisioned key, SUID 11..13");
        Resource mefKey = stored(attrs("mgd", 1022L, "suid", 23L, "krd", "PT1H"));
        refused(() -> BEHAVIOUR.checkUpdate(mefKey, attrs("skv", "c2VjcmV0"))).hasMessageContaining("pre-provisioned");
        assertThatCode(() -> create(attrs(
                        "mgd", 1022L, "suid", 12L, "skid", "k@x.example", "tlscs", List.of(1L), "skv", "c2VjcmV0")))
                .doesNotThrowAnyException();
    }

    @Test
    void an_update_cannot_remove_what_the_suid_needs() {
        Map<String, Object> profile = attrs("mgd", 1022L, "suid", 12L, "skid", "k@x.example", "tlscs", List.of(1L));
        profile.put(WriteOnly.storedName("skv"), "c2VjcmV0");
        Resource current = stored(profile);
        refused(() -> BEHAVIOUR.checkUpdate(current, attrs("skid", null))).hasMessage("SUID 12 needs skid (symmKeyID)");
        assertThatCode(() -> BEHAVIOUR.checkUpdate(current, attrs("skv", null, "lbl", List.of("rotated"))))
                .doesNotThrowAnyException();
    }

    @Test
    void a_client_registration_configuration_names_a_port() {
        refused(() -> create(attrs("mgd", 1025L, "fqdn", "maf.example.com", "afqdn", "adm.example.com")))
                .hasMessage("a client registration configuration needs hprt, cprt or wsprt");
        Resource mef = stored(attrs("mgd", 1026L, "fqdn", "mef.example.com", "afqdn", "a.example.com", "cprt", 5684L));
        refused(() -> BEHAVIOUR.checkUpdate(mef, attrs("cprt", null)))
                .hasMessage("a client registration configuration needs hprt, cprt or wsprt");
        assertThatCode(() -> BEHAVIOUR.checkUpdate(mef, attrs("cprt", null, "hprt", 443L)))
                .doesNotThrowAnyException();
    }
}
