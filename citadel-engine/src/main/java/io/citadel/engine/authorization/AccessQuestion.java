package io.citadel.engine.authorization;

import io.citadel.engine.resources.Resource;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.security.AccessDecision;
import java.util.List;
import java.util.Set;

/**
 * What a request needs to be allowed, as its operation describes it before anything changes; the authorize stage
 * has {@link AccessControl#authorize} decide it (once, audited) and refuses with {@link #refusal()} when denied.
 */
public sealed interface AccessQuestion {

    /** The status a denial answers with. */
    ResponseStatusCode refusal();

    /** The message a denial answers with (never a secret). */
    String refusalMessage(AccessDecision denied);

    /** The questions to ask in order; the first denial decides. */
    default List<AccessQuestion> parts() {
        return List.of(this);
    }

    /**
     * A privilege on a resource from its ACPs (or their defaults), then a Dynamic Authorization Server and a
     * distributed policy point when they deny.
     *
     * @param createdType the type a CREATE makes, for {@code acod}; null otherwise
     * @param specialization {@code cnd}/{@code mgd} of the resource a CREATE makes, for acod spty; null otherwise
     * @param selfPrivileges true for an UPDATE of {@code acpi}: the current ACPs' selfPrivileges decide
     * @param attributes the attributes the request touches, or null for the whole resource (Rel-4 aca)
     */
    record Privilege(
            int operationBit,
            Integer createdType,
            String specialization,
            Resource target,
            boolean selfPrivileges,
            Set<String> attributes)
            implements AccessQuestion {
        public static Privilege of(int operationBit, Resource target) {
            return new Privilege(operationBit, null, null, target, false, null);
        }

        @Override
        public ResponseStatusCode refusal() {
            return ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE;
        }

        @Override
        public String refusalMessage(AccessDecision denied) {
            return "access denied: " + denied.reason();
        }
    }

    /** A group's fan-out judged by its {@code macp} only (TS-0001 §10.2.7.x). */
    record MembersPolicy(List<String> acpIds, int operationBit, Integer createdType, Resource group)
            implements AccessQuestion {
        @Override
        public ResponseStatusCode refusal() {
            return ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE;
        }

        @Override
        public String refusalMessage(AccessDecision denied) {
            return "access denied: the group's membersAccessControlPolicyIDs do not grant this operation";
        }
    }

    /** AE registration: the requested AE-ID-Stem against the allowed patterns (the service subscription stand-in). */
    record Registration(String requestedStem) implements AccessQuestion {
        @Override
        public ResponseStatusCode refusal() {
            return ResponseStatusCode.APP_RULE_VALIDATION_FAILED;
        }

        @Override
        public String refusalMessage(AccessDecision denied) {
            return denied.reason();
        }
    }

    /** A data subject's access log (the {@code accessLog} child of its {@code <AE>}): the subject's alone. */
    record AccessLogOwner(String ownerId, Resource ae) implements AccessQuestion {
        @Override
        public ResponseStatusCode refusal() {
            return ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE;
        }

        @Override
        public String refusalMessage(AccessDecision denied) {
            return "access denied: only the AE itself may read its access log";
        }
    }

    /** A {@code <pollingChannel>}: its owner's alone. */
    record PollingChannelOwner(String ownerId, Resource channel) implements AccessQuestion {
        @Override
        public ResponseStatusCode refusal() {
            return ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE;
        }

        @Override
        public String refusalMessage(AccessDecision denied) {
            return "access denied: only " + ownerId + " may use its polling channel";
        }
    }

    /** NOTIFY to an AE or remote CSE: a CSE may; anybody else needs NOTIFY privilege on it. */
    record Notify(Resource entity) implements AccessQuestion {
        @Override
        public ResponseStatusCode refusal() {
            return ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE;
        }

        @Override
        public String refusalMessage(AccessDecision denied) {
            return "access denied: " + denied.reason();
        }
    }

    /**
     * A verification request's creator ({@code cr}) must be the notified entity itself or hold NOTIFY privilege
     * on it (by the static policy).
     */
    record VerificationCreator(Resource entity, String creatorRaw, String creator, String self)
            implements AccessQuestion {
        @Override
        public ResponseStatusCode refusal() {
            return ResponseStatusCode.SUBSCRIPTION_CREATOR_HAS_NO_PRIVILEGE;
        }

        @Override
        public String refusalMessage(AccessDecision denied) {
            return "the subscription's creator may not notify " + entity.ri();
        }
    }

    /** A verification request's sender (the subscription host) must be a CSE or hold NOTIFY privilege (static). */
    record VerificationHost(Resource entity) implements AccessQuestion {
        @Override
        public ResponseStatusCode refusal() {
            return ResponseStatusCode.SUBSCRIPTION_HOST_HAS_NO_PRIVILEGE;
        }

        @Override
        public String refusalMessage(AccessDecision denied) {
            return "the subscription host may not notify " + entity.ri();
        }
    }

    /** Several questions, asked in order. */
    record AllOf(List<AccessQuestion> questions) implements AccessQuestion {
        public AllOf {
            questions = List.copyOf(questions);
            if (questions.isEmpty()) { // nothing asked would allow everything: fail closed where it is built
                throw new IllegalArgumentException("an AllOf access question needs at least one question");
            }
        }

        @Override
        public List<AccessQuestion> parts() {
            return questions;
        }

        @Override
        public ResponseStatusCode refusal() {
            throw new UnsupportedOperationException("ask the parts");
        }

        @Override
        public String refusalMessage(AccessDecision denied) {
            throw new UnsupportedOperationException("ask the parts");
        }
    }

    /**
     * No policy governs this request, for the reason given: a CSE registering (the identify stage already required
     * its association and bound it to {@code From}), a NOTIFY to the CSEBase. Recorded in the audit like any other.
     */
    record Unguarded(String reason, String target) implements AccessQuestion {
        @Override
        public ResponseStatusCode refusal() {
            return ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE;
        }

        @Override
        public String refusalMessage(AccessDecision denied) {
            return "access denied: " + denied.reason();
        }
    }
}
