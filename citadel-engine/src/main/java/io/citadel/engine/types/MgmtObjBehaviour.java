package io.citadel.engine.types;

import io.citadel.engine.authorization.AccessQuestion;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.WriteOnly;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponseStatusCode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code <mgmtObj>}: which specialization it is and its attributes are the schema's; what is left are the rules
 * between attributes. A mgmtObj lives under a {@code <node>}; [reboot], [software] refuse two opposite actions at
 * once (TS-0004 D.3.2.2, D.10.2.2); an [authenticationProfile] carries what its SUID needs (TS-0003 §8.3.9.9.2)
 * and holds a key value only for a pre-provisioned key; a client registration configuration names a port to
 * reach its MAF or MEF on (TS-0003 §12.4.2). Who may create which specialization is the ACP's ({@code acod.spty}
 * against {@code mgd}, by the default {@link #createAccess}).
 */
public final class MgmtObjBehaviour implements TypeBehaviour {
    static final long FIRMWARE = 1001;
    static final long REBOOT = 1009;
    static final long SOFTWARE = 1002;
    static final long AUTHENTICATION_PROFILE = 1022;
    static final long MAF_CLIENT_REG_CFG = 1025;
    static final long MEF_CLIENT_REG_CFG = 1026;

    private static final Set<Long> PRE_PROVISIONED = Set.of(11L, 12L, 13L);
    private static final Set<Long> KEY_REGISTERED = Set.of(21L, 22L, 23L, 32L, 33L);
    private static final Set<Long> CERTIFICATE = Set.of(41L, 42L, 43L);
    private static final Set<Long> OVER_TLS = Set.of(11L, 12L, 21L, 22L, 32L, 41L, 42L, 43L);

    @Override
    public ResourceType type() {
        return ResourceType.MGMT_OBJ;
    }

    @Override
    public AccessQuestion createAccess(Resource parent, Map<String, Object> requested, String rawFrom) {
        if (parent.type() != ResourceType.NODE) {
            throw new OneM2mException(
                    ResponseStatusCode.INVALID_CHILD_RESOURCE_TYPE, "a mgmtObj is created under a <node>");
        }
        return TypeBehaviour.super.createAccess(parent, requested, rawFrom);
    }

    private final FirmwareSignatures firmwareUpdates;

    /** Accepting no firmware update (no trusted update key). */
    public MgmtObjBehaviour() {
        this(FirmwareSignatures.NONE);
    }

    public MgmtObjBehaviour(FirmwareSignatures firmwareUpdates) {
        this.firmwareUpdates = firmwareUpdates;
    }

    @Override
    public void prepareCreate(CreateDraft draft) {
        checkActions(draft.attributes(), draft.attributes());
        check(draft.attributes());
        checkFirmwareUpdate(draft.parent().ri(), draft.attributes(), draft.attributes());
    }

    /**
     * A [firmware] that asks for an update ({@code ud} true after the request) and whose request touches what the
     * device would install needs a trusted update key's signature over it ({@link FirmwareSignatures}).
     */
    private void checkFirmwareUpdate(String node, Map<String, Object> requested, Map<String, Object> attrs) {
        long mgd = attrs.get("mgd") instanceof Number n ? n.longValue() : -1;
        boolean touched =
                List.of("ud", "fwn", "vr", "url", "fwh", "fwsg").stream().anyMatch(requested::containsKey);
        if (mgd == FIRMWARE && Boolean.TRUE.equals(attrs.get("ud")) && touched) {
            firmwareUpdates.check(node, attrs);
        }
    }

    @Override
    public void checkUpdate(Resource current, Map<String, Object> changes) {
        Map<String, Object> after = new HashMap<>(current.attributes());
        changes.forEach((k, v) -> {
            after.remove(WriteOnly.storedName(k));
            if (v == null) {
                after.remove(k);
            } else {
                after.put(k, v);
            }
        });
        for (String k : List.copyOf(after.keySet())) { // a stored secret counts as present
            if (k.startsWith(WriteOnly.storedName(""))) {
                after.putIfAbsent(k.substring(WriteOnly.storedName("").length()), Boolean.TRUE);
            }
        }
        checkActions(changes, after);
        check(after);
        checkFirmwareUpdate(current.parentId(), changes, after);
    }

    /** Rules on the attributes a mgmtObj has (after the CREATE or UPDATE). */
    private static void check(Map<String, Object> attrs) {
        long mgd = attrs.get("mgd") instanceof Number n ? n.longValue() : -1;
        if (mgd == AUTHENTICATION_PROFILE) {
            checkAuthenticationProfile(attrs);
        } else if (mgd == MAF_CLIENT_REG_CFG || mgd == MEF_CLIENT_REG_CFG) {
            if (attrs.get("hprt") == null && attrs.get("cprt") == null && attrs.get("wsprt") == null) {
                throw OneM2mException.badRequest("a client registration configuration needs hprt, cprt or wsprt");
            }
        }
    }

    /** Two opposite actions requested at once (TS-0004 D.3.2.2, D.10.2.2); what is stored does not count. */
    private static void checkActions(Map<String, Object> requested, Map<String, Object> attrs) {
        long mgd = attrs.get("mgd") instanceof Number n ? n.longValue() : -1;
        if (mgd == REBOOT) {
            opposite(requested, "rbo", "far");
        } else if (mgd == SOFTWARE) {
            opposite(requested, "in", "un");
            opposite(requested, "act", "dea");
        }
    }

    private static void opposite(Map<String, Object> requested, String a, String b) {
        if (Boolean.TRUE.equals(requested.get(a)) && Boolean.TRUE.equals(requested.get(b))) {
            throw OneM2mException.badRequest("'" + a + "' and '" + b + "' cannot both be true");
        }
    }

    /** What the SUID of an [authenticationProfile] needs (TS-0003 §8.3.9.9.2 step 4). */
    private static void checkAuthenticationProfile(Map<String, Object> attrs) {
        long suid = attrs.get("suid") instanceof Number n ? n.longValue() : -1;
        if (attrs.get("skv") != null && !PRE_PROVISIONED.contains(suid)) {
            throw OneM2mException.badRequest("skv (symmKeyValue) is kept only for a pre-provisioned key, SUID 11..13");
        }
        if (PRE_PROVISIONED.contains(suid) && attrs.get("skid") == null) {
            throw OneM2mException.badRequest("SUID " + suid + " needs skid (symmKeyID)");
        }
        if (KEY_REGISTERED.contains(suid) && attrs.get("krd") == null) {
            throw OneM2mException.badRequest("SUID " + suid + " needs krd (keyRegDuration)");
        }
        if (CERTIFICATE.contains(suid) && attrs.get("mcfp") == null) {
            throw OneM2mException.badRequest("SUID " + suid + " needs mcfp (myCertFingerprint)");
        }
        if (OVER_TLS.contains(suid) && attrs.get("tlscs") == null) {
            throw OneM2mException.badRequest("SUID " + suid + " needs tlscs (TLSCiphersuites)");
        }
    }
}
