package io.citadel.protocol.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponseStatusCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The schema's specializations: loading them as data and validating a mgmtObj by its mgd. Negative cases first. */
class ResourceSchemaTest {
    private static final ResourceSchema SCHEMA = ResourceSchema.standard();
    private static final ResourceType MGO = ResourceType.MGMT_OBJ;

    private static Map<String, Object> firmware() {
        Map<String, Object> fwr = new LinkedHashMap<>();
        fwr.put("mgd", 1001L);
        fwr.put("vr", "1.0");
        fwr.put("fwn", "base");
        fwr.put("url", "https://updates.example.com/fw-1.0.bin");
        fwr.put("ud", false);
        return fwr;
    }

    private static Map<String, Object> with(Map<String, Object> base, String name, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(base);
        copy.put(name, value);
        return copy;
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> refusedCreate(Map<String, Object> requested) {
        return assertThatThrownBy(() -> SCHEMA.validate(MGO, Operation.CREATE, requested, false))
                .isInstanceOfSatisfying(
                        OneM2mException.class, e -> assertThat(e.status()).isEqualTo(ResponseStatusCode.BAD_REQUEST));
    }

    @Test
    void a_mgmt_obj_without_mgd_is_refused() {
        Map<String, Object> noMgd = firmware();
        noMgd.remove("mgd");
        refusedCreate(noMgd).hasMessage("mandatory attribute 'mgd' missing in m2m:mgo");
        refusedCreate(with(noMgd, "mgd", null)).hasMessage("attribute 'mgd' must not be null");
    }

    @Test
    void an_unknown_or_unsupported_mgd_is_refused_naming_the_supported_ones() {
        refusedCreate(with(firmware(), "mgd", 1003L))
                .hasMessageStartingWith("mgd 1003 is not a supported specialization of m2m:mgo (supported: 1001, 1002");
        refusedCreate(with(firmware(), "mgd", 0L)).hasMessageStartingWith("mgd 0 is not a supported specialization");
        refusedCreate(with(firmware(), "mgd", "firmware")).hasMessage("attribute 'mgd' must be a non-negative integer");
        refusedCreate(with(firmware(), "mgd", -1L)).hasMessage("attribute 'mgd' must be a non-negative integer");
    }

    @Test
    void an_attribute_of_another_specialization_is_unknown_to_this_one() {
        refusedCreate(with(firmware(), "rbo", true)).hasMessage("unknown attribute 'rbo' for m2m:fwr");
        refusedCreate(with(firmware(), "swn", "x")).hasMessage("unknown attribute 'swn' for m2m:fwr");
        refusedCreate(with(firmware(), "mgs", "http://example.com/schema"))
                .hasMessage("unknown attribute 'mgs' for m2m:fwr");
    }

    @Test
    void the_specialization_mandatory_and_read_only_attributes_hold() {
        Map<String, Object> noVersion = firmware();
        noVersion.remove("vr");
        refusedCreate(noVersion).hasMessage("mandatory attribute 'vr' missing in m2m:fwr");
        refusedCreate(with(firmware(), "uds", Map.of("acn", "x", "sus", 1L)))
                .hasMessage("attribute 'uds' may not be set in CREATE of m2m:fwr");
        refusedCreate(with(firmware(), "ty", 13L)).hasMessage("attribute 'ty' may not be set in CREATE of m2m:fwr");
    }

    @Test
    void mgd_cannot_be_updated_and_an_update_uses_the_stored_specialization() {
        Map<String, Object> stored = SCHEMA.validate(MGO, Operation.CREATE, firmware(), false);
        assertThatThrownBy(() -> SCHEMA.validateUpdate(MGO, stored, Map.of("mgd", 1002L), false))
                .isInstanceOf(OneM2mException.class)
                .hasMessage("attribute 'mgd' may not be set in UPDATE of m2m:fwr");
        assertThatThrownBy(() -> SCHEMA.validateUpdate(MGO, stored, Map.of("rbo", true), false))
                .hasMessage("unknown attribute 'rbo' for m2m:fwr");
        assertThatThrownBy(() -> SCHEMA.validateUpdate(MGO, stored, with(Map.of(), "vr", null), false))
                .hasMessage("attribute 'vr' cannot be deleted");
        assertThat(SCHEMA.validateUpdate(MGO, stored, Map.of("ud", true, "uds", Map.of("sus", 3L)), false))
                .containsEntry("ud", true);
        assertThatThrownBy(() -> SCHEMA.validate(MGO, Operation.UPDATE, Map.of("ud", true), false))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void security_specializations_check_their_values() {
        Map<String, Object> profile = new LinkedHashMap<>(Map.of("mgd", 1022L, "suid", 12L, "skid", "k1@mef.example"));
        refusedCreate(with(profile, "suid", 31L)).hasMessageStartingWith("attribute 'suid' must be one of");
        refusedCreate(with(profile, "krd", "1 hour")).hasMessageStartingWith("attribute 'krd' must be an ISO 8601");
        assertThat(SCHEMA.validate(MGO, Operation.CREATE, with(profile, "krd", "PT1H"), false))
                .containsEntry("krd", "PT1H");
        Map<String, Object> certFile = Map.of("mgd", 1023L, "suids", List.of(42L), "mcff", "application/pkcs8");
        assertThat(SCHEMA.validate(MGO, Operation.CREATE, with(certFile, "mcfc", "-----BEGIN"), false))
                .containsEntry("suids", List.of(42L));
        assertThatThrownBy(() -> SCHEMA.validate(
                        MGO, Operation.CREATE, with(with(certFile, "mcfc", "x"), "suids", List.of(99L)), false))
                .hasMessage("attribute 'suids' must be one of [40, 41, 42, 43, 44, 45]");
        assertThatThrownBy(() -> SCHEMA.validate(
                        MGO, Operation.CREATE, with(with(certFile, "mcfc", "x"), "suids", List.of()), false))
                .hasMessageStartingWith("attribute 'suids' must be a non-empty list");
        Map<String, Object> anchor = Map.of("mgd", 1024L, "cfp", "ab:cd");
        refusedCreate(with(anchor, "uri", "http://ca.example.com/root.crt"))
                .hasMessageStartingWith("attribute 'uri' must be an https:// URI");
        Map<String, Object> client = Map.of("mgd", 1026L, "fqdn", "mef.example.com", "afqdn", "admin.example.com");
        refusedCreate(with(client, "hprt", 0L)).hasMessage("attribute 'hprt' must be a port number 1..65535");
        refusedCreate(with(client, "hprt", 65536L)).hasMessage("attribute 'hprt' must be a port number 1..65535");
        refusedCreate(with(client, "fqdn", "mef example.com"))
                .hasMessage("attribute 'fqdn' must be a fully qualified domain name");
        refusedCreate(with(client, "fqdn", "-mef.example.com"))
                .hasMessage("attribute 'fqdn' must be a fully qualified domain name");
        assertThat(SCHEMA.validate(MGO, Operation.CREATE, with(client, "hprt", 8443L), false))
                .containsEntry("hprt", 8443L);
    }

    @Test
    void xml_text_selects_the_specialization_too() {
        Map<String, Object> xml = new LinkedHashMap<>();
        xml.put("mgd", "1009");
        xml.put("rbo", "true");
        assertThat(SCHEMA.validate(MGO, Operation.CREATE, xml, true))
                .containsEntry("mgd", 1009L)
                .containsEntry("rbo", true);
    }

    @Test
    void a_node_needs_its_node_id_and_cannot_claim_what_the_cse_reports() {
        assertThatThrownBy(() -> SCHEMA.validate(ResourceType.NODE, Operation.CREATE, Map.of("lbl", List.of()), false))
                .hasMessage("mandatory attribute 'ni' missing in m2m:nod");
        assertThatThrownBy(() -> SCHEMA.validate(
                        ResourceType.NODE, Operation.CREATE, Map.of("ni", "urn:dev:1", "rms", true), false))
                .hasMessage("attribute 'rms' may not be set in CREATE of m2m:nod");
        assertThat(SCHEMA.validate(ResourceType.NODE, Operation.UPDATE, Map.of("ni", "urn:dev:2"), false))
                .containsEntry("ni", "urn:dev:2");
    }

    @Test
    void a_mgmt_obj_lives_only_under_a_node_and_a_node_not_under_a_remote_cse() {
        assertThat(SCHEMA.allowsChild(ResourceType.CSE_BASE, MGO)).isFalse();
        assertThat(SCHEMA.allowsChild(ResourceType.AE, MGO)).isFalse();
        assertThat(SCHEMA.allowsChild(ResourceType.REMOTE_CSE, ResourceType.NODE))
                .isFalse();
        assertThat(SCHEMA.allowsChild(ResourceType.CSE_BASE, ResourceType.NODE)).isTrue();
        assertThat(SCHEMA.allowsChild(ResourceType.NODE, MGO)).isTrue();
        assertThat(SCHEMA.allowsChild(ResourceType.NODE, ResourceType.SUBSCRIPTION))
                .isTrue();
        assertThat(SCHEMA.allowsChild(MGO, ResourceType.SUBSCRIPTION)).isTrue();
        assertThat(SCHEMA.allowsChild(MGO, MGO)).isFalse();
        assertThat(SCHEMA.isSupported(MGO)).isTrue();
        assertThat(SCHEMA.isSupported(ResourceType.NODE)).isTrue();
    }

    @Test
    void member_names_come_from_the_specialization() {
        assertThat(SCHEMA.isSpecialized(MGO)).isTrue();
        assertThat(SCHEMA.isSpecialized(ResourceType.NODE)).isFalse();
        assertThat(SCHEMA.jsonKey(MGO, Map.of("mgd", 1001L))).isEqualTo("m2m:fwr");
        assertThat(SCHEMA.jsonKey(MGO, Map.of("mgd", 1022L))).isEqualTo("dcfg:aupf");
        assertThat(SCHEMA.jsonKey(MGO, Map.of())).isEqualTo("m2m:mgo");
        assertThat(SCHEMA.jsonKey(ResourceType.NODE, Map.of("ni", "x"))).isEqualTo("m2m:nod");
        assertThat(SCHEMA.specializationOf("dcfg:nycfc"))
                .get()
                .extracting(Specialization::code)
                .isEqualTo("1023");
        assertThat(SCHEMA.specializationOf("m2m:mgo")).isEmpty();
        assertThat(SCHEMA.contentKeys(MGO))
                .containsExactly(
                        "m2m:fwr",
                        "m2m:swr",
                        "m2m:dvi",
                        "m2m:rbo",
                        "dcfg:aupf",
                        "dcfg:nycfc",
                        "dcfg:tacr",
                        "dcfg:mafrc",
                        "dcfg:mefrc");
        assertThat(SCHEMA.contentKeys(ResourceType.NODE)).containsExactly("m2m:nod");
    }

    @Test
    void secrets_are_marked_write_only_per_specialization() {
        assertThat(SCHEMA.writeOnlyAttributes(MGO, Map.of("mgd", 1022L))).containsExactly("skv");
        assertThat(SCHEMA.writeOnlyAttributes(MGO, Map.of("mgd", 1023L))).containsExactly("mcfc");
        assertThat(SCHEMA.writeOnlyAttributes(MGO, Map.of("mgd", 1001L))).isEmpty();
        assertThat(SCHEMA.writeOnlyAttributes(ResourceType.CONTAINER, Map.of())).isEmpty();
        assertThat(SCHEMA.hasAttribute(MGO, Map.of("mgd", 1022L), "skv")).isTrue();
        assertThat(SCHEMA.hasAttribute(MGO, Map.of("mgd", 1001L), "skv")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "undeclared-specialization",
                "updatable-selector",
                "redeclared",
                "bad-flag",
                "duplicate-key",
                "type-key"
            })
    void inconsistent_schema_data_is_refused_when_loaded(String name) {
        assertThatThrownBy(() -> ResourceSchema.load("/io/citadel/protocol/schema/" + name + "/"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void a_specialization_declared_as_data_gets_the_universal_common_and_own_attributes() {
        ResourceSchema schema = ResourceSchema.load("/io/citadel/protocol/schema/good/");
        Map<String, Object> stored = Map.of("mgd", 1001L);
        assertThat(schema.hasAttribute(MGO, stored, "ri")).isTrue();
        assertThat(schema.hasAttribute(MGO, stored, "dc")).isTrue();
        assertThat(schema.hasAttribute(MGO, stored, "vr")).isTrue();
        assertThat(schema.writeOnlyAttributes(MGO, stored)).containsExactly("key");
        assertThat(schema.validate(MGO, Operation.CREATE, Map.of("mgd", 1001L, "vr", "1"), false))
                .containsEntry("mgd", 1001L);
    }
}
