package io.citadel.mef.clients;

import io.citadel.protocol.mef.MmefNames.CommandClass;
import io.citadel.protocol.mef.MmefNames.CommandStatus;
import java.time.Instant;
import java.util.Map;

/**
 * One command of a client's {@code <mefClientCmd>} queue (TS-0003 §8.3.9), as the operator queued it, and where it
 * stands.
 *
 * @param cmdId    unique in this MEF, increasing in the order commands were queued
 * @param enrolee  the client it is for
 * @param status   null while queued and not issued yet; ISSUED or REISSUED while the client holds it; then the
 *                 result the client reported
 * @param targetId the CSE or AE on the node it is for, or null
 */
public record MefCommand(
        long cmdId,
        String enrolee,
        CommandClass cmdClass,
        Map<String, Object> args,
        String targetId,
        CommandStatus status,
        Instant queuedAt,
        Instant issuedAt,
        Instant resultAt) {
    public MefCommand {
        args = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(args));
    }

    /** Queued or issued, without a result yet. */
    public boolean pending() {
        return status == null || !status.isResult();
    }

    MefCommand issued(Instant now) {
        CommandStatus next = status == null ? CommandStatus.ISSUED : CommandStatus.REISSUED;
        return new MefCommand(cmdId, enrolee, cmdClass, args, targetId, next, queuedAt, now, resultAt);
    }

    MefCommand answered(CommandStatus result, Instant now) {
        return new MefCommand(cmdId, enrolee, cmdClass, args, targetId, result, queuedAt, issuedAt, now);
    }
}
