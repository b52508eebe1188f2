package io.citadel.engine.operations;

import io.citadel.engine.authorization.AccessQuestion;
import io.citadel.engine.privacy.SubjectAccess;
import io.citadel.engine.privacy.SubjectAccessLog;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.Target;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.Timestamps;
import io.citadel.security.OriginatorIds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RETRIEVE of {@code <AE>/accessLog} (a Citadel extension): the AE's own access log, who accessed its data, the
 * newest {@code limit} entries oldest first, as {@code {"citadel:accessLog":{"entries":[...]}}}. Only the AE itself
 * may read it (4103 for anyone else, the administrator included: the operator has the admin API); any other
 * operation is 4005.
 */
public final class AccessLogOperation {
    private final OriginatorIds ids;
    private final SubjectAccessLog log;
    private final int limit;

    public AccessLogOperation(OriginatorIds ids, SubjectAccessLog log, int limit) {
        this.ids = ids;
        this.log = log;
        this.limit = limit;
    }

    public OperationPlan plan(RequestPrimitive req, Target target) {
        Resource ae = target.resource();
        String aei = ae.getString("aei");
        String subject = ids.normalize(aei == null ? ae.ri() : aei);
        return new OperationPlan(new AccessQuestion.AccessLogOwner(subject, ae), () -> read(req, subject));
    }

    private ResponsePrimitive read(RequestPrimitive req, String subject) {
        if (req.operation() != Operation.RETRIEVE) {
            throw new OneM2mException(ResponseStatusCode.OPERATION_NOT_ALLOWED, "an access log can only be retrieved");
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        for (SubjectAccess a : log.latest(subject, limit)) {
            entries.add(entry(a));
        }
        return ResponsePrimitive.of(
                ResponseStatusCode.OK, req, Map.of("citadel:accessLog", Map.of("entries", entries)));
    }

    /** One entry as the access log and the export show it. */
    public static Map<String, Object> entry(SubjectAccess a) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", a.id());
        e.put("accessor", a.accessor());
        e.put("target", a.target());
        e.put("op", a.operation());
        e.put("permitted", a.permitted());
        if (a.assurance() != null) {
            e.put("loa", a.assurance());
        }
        e.put("time", Timestamps.format(a.time()));
        return e;
    }
}
