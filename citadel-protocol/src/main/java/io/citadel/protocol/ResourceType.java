package io.citadel.protocol;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The resource types of TS-0004 Table 6.3.4.2.1-1 that Citadel knows by name, with the JSON key of
 * their representation. Knowing a type does not mean the CSE supports creating it; see
 * {@link io.citadel.protocol.schema.ResourceSchema#isSupported(ResourceType)}.
 */
public enum ResourceType {
    ACCESS_CONTROL_POLICY(1, "m2m:acp"),
    AE(2, "m2m:ae"),
    CONTAINER(3, "m2m:cnt"),
    CONTENT_INSTANCE(4, "m2m:cin"),
    CSE_BASE(5, "m2m:cb"),
    DELIVERY(6, "m2m:dlv"),
    EVENT_CONFIG(7, "m2m:evcg"),
    EXEC_INSTANCE(8, "m2m:exin"),
    GROUP(9, "m2m:grp"),
    LOCATION_POLICY(10, "m2m:lcp"),
    M2M_SERVICE_SUBSCRIPTION_PROFILE(11, "m2m:mssp"),
    MGMT_CMD(12, "m2m:mgc"),
    MGMT_OBJ(13, "m2m:mgo"),
    NODE(14, "m2m:nod"),
    POLLING_CHANNEL(15, "m2m:pch"),
    REMOTE_CSE(16, "m2m:csr"),
    REQUEST(17, "m2m:req"),
    SCHEDULE(18, "m2m:sch"),
    SERVICE_SUBSCRIBED_APP_RULE(19, "m2m:asar"),
    SERVICE_SUBSCRIBED_NODE(20, "m2m:svsn"),
    STATS_COLLECT(21, "m2m:stcl"),
    STATS_CONFIG(22, "m2m:stcg"),
    SUBSCRIPTION(23, "m2m:sub"),
    SEMANTIC_DESCRIPTOR(24, "m2m:smd"),
    NOTIFICATION_TARGET_MGMT_POLICY_REF(25, "m2m:ntpr"),
    NOTIFICATION_TARGET_POLICY(26, "m2m:ntp"),
    POLICY_DELETION_RULES(27, "m2m:pdr"),
    FLEX_CONTAINER(28, "m2m:fcnt"),
    TIME_SERIES(29, "m2m:ts"),
    TIME_SERIES_INSTANCE(30, "m2m:tsi"),
    ROLE(31, "m2m:rol"),
    TOKEN(32, "m2m:tk"),
    DYNAMIC_AUTHORIZATION_CONSULTATION(34, "m2m:dac"),
    AUTHORIZATION_DECISION(35, "m2m:auds"),
    AUTHORIZATION_POLICY(36, "m2m:aupy"),
    AUTHORIZATION_INFORMATION(37, "m2m:auif"),
    ACCESS_CONTROL_POLICY_ANNC(10001, "m2m:acpA"),
    AE_ANNC(10002, "m2m:aeA"),
    CONTAINER_ANNC(10003, "m2m:cntA"),
    CONTENT_INSTANCE_ANNC(10004, "m2m:cinA");

    /** The offset of an announced variant's type code (TS-0004 Table 6.3.4.2.1-1). */
    public static final int ANNOUNCED = 10000;

    /** The announced variant of this type, if Citadel has one. */
    public Optional<ResourceType> announced() {
        return of(code + ANNOUNCED);
    }

    /** True for the {@code ...Annc} types. */
    public boolean isAnnounced() {
        return code > ANNOUNCED;
    }

    private static final Map<Integer, ResourceType> BY_CODE = new HashMap<>();
    private static final Map<String, ResourceType> BY_KEY = new HashMap<>();

    static {
        for (ResourceType t : values()) {
            BY_CODE.put(t.code, t);
            BY_KEY.put(t.jsonKey, t);
        }
    }

    private final int code;
    private final String jsonKey;

    ResourceType(int code, String jsonKey) {
        this.code = code;
        this.jsonKey = jsonKey;
    }

    public int code() {
        return code;
    }

    /** The member name of the resource's representation, e.g. {@code m2m:cnt}. */
    public String jsonKey() {
        return jsonKey;
    }

    /** The short name without namespace prefix, e.g. {@code cnt}. */
    public String shortName() {
        return jsonKey.substring(jsonKey.indexOf(':') + 1);
    }

    public static Optional<ResourceType> of(int code) {
        return Optional.ofNullable(BY_CODE.get(code));
    }

    public static Optional<ResourceType> ofJsonKey(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }
}
