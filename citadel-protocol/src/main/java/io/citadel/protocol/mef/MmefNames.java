package io.citadel.protocol.mef;

import java.util.Arrays;
import java.util.Optional;

/**
 * The one place where the MEF client procedures of TS-0003 §8.3.5.2 and §8.3.9 (digest §12.4) get their names on the
 * wire (Mmef). TS-0032, which binds them, is not available: the members are TS-0003's abstract parameter names, the
 * paths are ours. When the TS-0032 names are known, they replace the constants here and nothing else changes: the
 * MEF ({@code citadel-mef}) and the device SDK ({@code citadel-client}) both read them from this class.
 */
public final class MmefNames {
    private MmefNames() {}

    /** MEF Client Registration: POST here; the registration is {@code CLIENTS + "/" + mefClientRegID}. */
    public static final String CLIENTS_PATH = "/mef/clients";
    /** The {@code <mefClientCmd>} of a registration: {@code CLIENTS + "/" + id + COMMAND_SUFFIX}. */
    public static final String COMMAND_SUFFIX = "/cmd";

    // MEF Client Registration, Configuration Retrieval, Update, De-Registration
    public static final String MEF_FQDN = "mefFQDN";
    public static final String REG_ID = "mefClientRegID";
    public static final String CLIENT_ID = "mefClientID";
    public static final String EXPIRATION_TIME = "expirationTime";
    public static final String LABELS = "labels";
    public static final String ADMIN_FQDN = "adminFQDN";
    /** Our addition: the address of the registration's {@code <mefClientCmd>} ("shows a child reference"). */
    public static final String COMMAND_REF = "cmdRef";

    // MEF Client Command Retrieve / Update (sec:cmdDescription)
    public static final String CMD_ID = "cmdID";
    public static final String CMD_DESCRIPTION = "cmdDescription";
    public static final String CMD_CLASS_ID = "cmdClassID";
    public static final String CMD_ARGS = "cmdArgs";
    public static final String TARGET_ID = "targetID";
    public static final String CMD_STATUS_CODE = "cmdStatusCode";

    // cmdArgs of each class
    /** NO_MORE_COMMANDS: when to ask again, in seconds (the unit is ours: TS-0003 does not give it). */
    public static final String RETRY_DURATION = "retryDuration";

    public static final String CERT_PROV_PROTOCOL_ID = "certProvProtocolID";
    public static final String URI = "uri";
    public static final String CERT_SUBJECT_TYPE = "certSubjectType";
    public static final String CERT_SUBJECT_ID = "certSubjectID";
    public static final String DEV_MGMT_ID = "devMgmtID";
    public static final String OBJECT_PATH = "objectPath";
    public static final String OBJECT_TYPE_ID = "objectTypeID";
    public static final String SUID = "SUID";

    /** The reason of a refusal (as the MAF's and fetchCredentials' answers). */
    public static final String ERROR_STRING = "errorString";

    /** cmdClassID (TS-0003 §8.3.9). */
    public enum CommandClass {
        NO_MORE_COMMANDS(0),
        CERT_PROV(1),
        DEV_CFG(2),
        MO_NODE(3);

        public final int id;

        CommandClass(int id) {
            this.id = id;
        }

        public static Optional<CommandClass> of(int id) {
            return Arrays.stream(values()).filter(c -> c.id == id).findFirst();
        }
    }

    /** cmdStatusCode (TS-0003 §8.3.9.5): 10 and 11 are the MEF's, the others a client's result. */
    public enum CommandStatus {
        ISSUED(10),
        REISSUED(11),
        OK(20),
        REPEATED_CMD_ID(40),
        CLASS_NOT_SUPPORTED(41),
        BAD_ARGUMENTS(42),
        UNACCEPTABLE_ARGUMENTS(43),
        CERT_PROV_SERVER_ERROR(100),
        CERT_PROV_CLIENT_ERROR(101),
        DEV_CFG_SERVER_ERROR(201),
        DEV_CFG_CLIENT_ERROR(202),
        MO_NODE_NOT_FOUND(300),
        MO_NODE_TYPE_CONFLICT(301),
        MO_NODE_BAD_ARGS(302),
        MO_NODE_UNACCEPTABLE_ARGS(303),
        MO_NODE_INCONSISTENT_CONFIG(304),
        /** "MO_NODE_EXECUTION_ERROR" in §8.3.9.5.18's heading, "PROCESSING_FAILED" in Table 12.3.2.4-1. */
        MO_NODE_EXECUTION_ERROR(305);

        public final int code;

        CommandStatus(int code) {
            this.code = code;
        }

        public static Optional<CommandStatus> of(int code) {
            return Arrays.stream(values()).filter(s -> s.code == code).findFirst();
        }

        /** Whether a client reports it as the result of a command (everything but ISSUED and REISSUED). */
        public boolean isResult() {
            return this != ISSUED && this != REISSUED;
        }
    }

    /** certProvProtocolID. */
    public static final int EST = 1;

    public static final int SCEP = 2;

    /** certSubjectType. */
    public static final int SUBJECT_NODE_ID = 1;

    public static final int SUBJECT_CSE_ID = 2;
    public static final int SUBJECT_AE_ID = 3;
}
