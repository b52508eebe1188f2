package io.citadel.engine.pipeline;

import io.citadel.credentials.LevelOfAssurance;
import io.citadel.credentials.SecurityAssociation;
import io.citadel.engine.resources.Target;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import java.util.Map;

/** What the end-to-end stages ask of a request: its {@code m2m:seci} type, whether it is for the CSEBase itself. */
final class SecurityInfo {
    private SecurityInfo() {}

    /** The {@code sit} of a NOTIFY carrying {@code m2m:seci}, or null. */
    static Integer type(RequestPrimitive req) {
        if (req.operation() != Operation.NOTIFY
                || !(req.content() instanceof Map<?, ?> c)
                || !(c.get("m2m:seci") instanceof Map<?, ?> seci)
                || !(seci.get("sit") instanceof Number n)) {
            return null;
        }
        return n.intValue();
    }

    /** Whether the request is addressed to this CSE's {@code <CSEBase>} itself (not a virtual child or attribute). */
    static boolean toCseBase(Exchange exchange) {
        Target t = exchange.get(TargetStage.TARGET);
        return t.resource() != null
                && t.resource().type() == ResourceType.CSE_BASE
                && t.virtual() == Target.Virtual.NONE
                && t.attribute() == null;
    }

    /** The Credential-ID of the association an ESPrim object with a key of {@code suid} and {@code kid} proves. */
    static String esprimCredential(int suid, String kid) {
        return suid + "-" + kid;
    }

    /**
     * The level of assurance of a request an ESPrim object protected: that of a shared key, whatever the SUID. A key
     * ESCertKE agreed (43) counts no higher, since its initiators' certificates are pinned by the operator
     * ({@code --escertke-initiators}), not validated against a CA, as a registered raw public key is. When the hop's
     * own association proved the same originator more strongly, that level stands.
     */
    static LevelOfAssurance esprimAssurance(SecurityAssociation hop, String originator) {
        LevelOfAssurance endToEnd = LevelOfAssurance.SHARED_KEY;
        return hop != null && hop.allows(originator) && hop.assurance().satisfies(endToEnd)
                ? hop.assurance()
                : endToEnd;
    }

    /** Whether the request is the inner request of an ESPrim object (its association is a pairwise key). */
    static boolean insideEsprim(Exchange exchange) {
        SecurityAssociation hop = exchange.context().association();
        return hop != null && hop.kind() == io.citadel.credentials.Credential.Kind.END_TO_END;
    }

    /** {@code text} for a log line: control characters replaced, at most 128 characters. */
    static String printable(String text) {
        String t = String.valueOf(text).replaceAll("\\p{Cntrl}", "?");
        return t.length() > 128 ? t.substring(0, 128) + "..." : t;
    }
}
