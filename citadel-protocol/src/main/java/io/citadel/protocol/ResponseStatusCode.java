package io.citadel.protocol;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one response-status table: every oneM2M Response Status Code with its HTTP status (TS-0009
 * Table 6.3.2-1) and CoAP response code (TS-0008 Table 6.2.4-1). Bindings consult this table; nobody
 * maps codes by hand.
 */
public enum ResponseStatusCode {
    ACCEPTED(1000, 202, null),
    ACCEPTED_NON_BLOCKING_REQUEST_SYNCH(1001, 202, "2.01"),
    ACCEPTED_NON_BLOCKING_REQUEST_ASYNCH(1002, 202, "2.01"),
    OK(2000, 200, "2.05"),
    CREATED(2001, 201, "2.01"),
    DELETED(2002, 200, "2.02"),
    UPDATED(2004, 200, "2.04"),
    BAD_REQUEST(4000, 400, "4.00"),
    RELEASE_VERSION_NOT_SUPPORTED(4001, 501, "5.01"),
    NOT_FOUND(4004, 404, "4.04"),
    OPERATION_NOT_ALLOWED(4005, 405, "4.05"),
    REQUEST_TIMEOUT(4008, 504, "5.04"),
    UNSUPPORTED_MEDIA_TYPE(4015, 415, "4.15"),
    SUBSCRIPTION_CREATOR_HAS_NO_PRIVILEGE(4101, 403, "4.03"),
    CONTENTS_UNACCEPTABLE(4102, 400, "4.00"),
    ORIGINATOR_HAS_NO_PRIVILEGE(4103, 403, "4.03"),
    GROUP_REQUEST_IDENTIFIER_EXISTS(4104, 409, "4.00"),
    CONFLICT(4105, 409, "4.03"),
    ORIGINATOR_NOT_AUTHENTICATED(4106, 403, "4.03"),
    SECURITY_ASSOCIATION_REQUIRED(4107, 403, "4.03"),
    INVALID_CHILD_RESOURCE_TYPE(4108, 403, "4.03"),
    NO_MEMBERS(4109, 403, "4.03"),
    GROUP_MEMBER_TYPE_INCONSISTENT(4110, 400, "4.00"),
    ESPRIM_UNSUPPORTED_OPTION(4111, 403, "4.03"),
    ESPRIM_UNKNOWN_KEY_ID(4112, 403, "4.03"),
    ESPRIM_UNKNOWN_ORIG_RAND_ID(4113, 403, "4.03"),
    ESPRIM_UNKNOWN_RECV_RAND_ID(4114, 403, "4.03"),
    ESPRIM_BAD_MAC(4115, 403, "4.03"),
    ESPRIM_IMPERSONATION_ERROR(4116, 403, "4.03"),
    ORIGINATOR_HAS_ALREADY_REGISTERED(4117, 403, "4.03"),
    ONTOLOGY_NOT_AVAILABLE(4118, 404, "4.04"),
    LINKED_SEMANTICS_NOT_AVAILABLE(4119, 404, "4.04"),
    INVALID_SEMANTICS(4120, 400, "4.02"),
    MASHUP_MEMBER_NOT_FOUND(4121, 404, "4.04"),
    INVALID_TRIGGER_PURPOSE(4122, 400, "4.02"),
    ILLEGAL_TRANSACTION_STATE_TRANSITION_ATTEMPTED(4123, 400, "4.00"),
    BLOCKING_SUBSCRIPTION_ALREADY_EXISTS(4124, 409, "4.00"),
    SPECIALIZATION_SCHEMA_NOT_FOUND(4125, 501, "5.01"),
    APP_RULE_VALIDATION_FAILED(4126, 403, "4.03"),
    OPERATION_DENIED_BY_REMOTE_ENTITY(4127, 403, "4.03"),
    SERVICE_SUBSCRIPTION_NOT_ESTABLISHED(4128, 403, "4.03"),
    INVALID_SPARQL_QUERY(4143, 400, "4.00"),
    INTERNAL_SERVER_ERROR(5000, 500, "5.00"),
    NOT_IMPLEMENTED(5001, 501, "5.01"),
    TARGET_NOT_REACHABLE(5103, 404, "4.04"),
    RECEIVER_HAS_NO_PRIVILEGE(5105, 403, "4.03"),
    ALREADY_EXISTS(5106, 409, "4.00"),
    REMOTE_ENTITY_NOT_REACHABLE(5107, 404, "4.04"),
    TARGET_NOT_SUBSCRIBABLE(5203, 403, "4.03"),
    SUBSCRIPTION_VERIFICATION_INITIATION_FAILED(5204, 500, "5.00"),
    SUBSCRIPTION_HOST_HAS_NO_PRIVILEGE(5205, 403, "4.03"),
    NON_BLOCKING_SYNCH_REQUEST_NOT_SUPPORTED(5206, 501, "5.01"),
    NOT_ACCEPTABLE(5207, 406, "4.06"),
    DISCOVERY_DENIED_BY_IPE(5208, 403, "4.03"),
    GROUP_MEMBERS_NOT_RESPONDED(5209, 500, "5.00"),
    ESPRIM_DECRYPTION_ERROR(5210, 500, "5.00"),
    ESPRIM_ENCRYPTION_ERROR(5211, 500, "5.00"),
    SPARQL_UPDATE_ERROR(5212, 500, "5.00"),
    TARGET_HAS_NO_SESSION_CAPABILITY(5214, 403, "4.03"),
    SESSION_IS_ONLINE(5215, 403, "4.03"),
    JOIN_MULTICAST_GROUP_FAILED(5216, 500, "5.00"),
    LEAVE_MULTICAST_GROUP_FAILED(5217, 500, "5.00"),
    TRIGGERING_DISABLED_FOR_RECIPIENT(5218, 403, "4.03"),
    UNABLE_TO_REPLACE_REQUEST(5219, 409, "4.00"),
    UNABLE_TO_RECALL_REQUEST(5220, 409, "4.00"),
    CROSS_RESOURCE_OPERATION_FAILURE(5221, 500, "5.00"),
    TRANSACTION_PROCESSING_IS_INCOMPLETE(5222, 403, "4.03"),
    EXTERNAL_OBJECT_NOT_REACHABLE(6003, 404, "4.04"),
    EXTERNAL_OBJECT_NOT_FOUND(6005, 404, "4.04"),
    MAX_NUMBER_OF_MEMBER_EXCEEDED(6010, 400, "4.00"),
    MGMT_SESSION_CANNOT_BE_ESTABLISHED(6020, 500, "5.00"),
    MGMT_SESSION_ESTABLISHMENT_TIMEOUT(6021, 500, "5.00"),
    INVALID_CMDTYPE(6022, 400, "4.00"),
    INVALID_ARGUMENTS(6023, 400, "4.00"),
    INSUFFICIENT_ARGUMENTS(6024, 400, "4.00"),
    MGMT_CONVERSION_ERROR(6025, 500, "5.00"),
    MGMT_CANCELLATION_FAILED(6026, 500, "5.00"),
    ALREADY_COMPLETE(6028, 409, "4.00"),
    MGMT_COMMAND_NOT_CANCELLABLE(6029, 409, "4.00"),
    EXTERNAL_OBJECT_NOT_REACHABLE_BEFORE_RQET_TIMEOUT(6030, 504, "5.04"),
    EXTERNAL_OBJECT_NOT_REACHABLE_BEFORE_OET_TIMEOUT(6031, 504, "5.04");

    private static final Map<Integer, ResponseStatusCode> BY_CODE = new HashMap<>();

    static {
        for (ResponseStatusCode rsc : values()) {
            BY_CODE.put(rsc.code, rsc);
        }
    }

    private final int code;
    private final int httpStatus;
    private final String coapCode;

    ResponseStatusCode(int code, int httpStatus, String coapCode) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.coapCode = coapCode;
    }

    /** The numeric oneM2M code, e.g. 2001. */
    public int code() {
        return code;
    }

    /** The HTTP status this code maps to. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The CoAP response code ("4.03"), empty where the binding defines none. */
    public Optional<String> coapCode() {
        return Optional.ofNullable(coapCode);
    }

    /** True for 2xxx codes. */
    public boolean isSuccess() {
        return code >= 2000 && code < 3000;
    }

    /** Looks a numeric code up; empty if the table has no such code. */
    public static Optional<ResponseStatusCode> of(int code) {
        return Optional.ofNullable(BY_CODE.get(code));
    }
}
