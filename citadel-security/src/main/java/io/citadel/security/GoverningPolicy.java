package io.citadel.security;

import java.util.List;

/** What governs access to a target, as resolved by the engine from the resource tree. */
public sealed interface GoverningPolicy {

    /** Rules of the ACPs that apply (privileges, or selfPrivileges for an ACP target or an acpi update). */
    record Rules(List<NamedRules> policies) implements GoverningPolicy {}

    /** The rules of one ACP, with its ID for the audit trail. */
    record NamedRules(String acpId, List<AccessControlRule> rules) {}

    /** No acpi set: only the creator (or custodian) may access (TS-0001 §9.6.1.3.2). */
    record CreatorOnly(String creator) implements GoverningPolicy {}

    /** Only the CSE's administrator (e.g. the CSEBase without acpi). */
    record AdministratorOnly() implements GoverningPolicy {}

    /**
     * The CSEBase without acpi: the administrator, plus RETRIEVE and DISCOVERY for entities registered
     * here.
     */
    record CseBaseDefault(boolean originatorRegistered) implements GoverningPolicy {}

    /**
     * AE registration (CREATE of an AE on the CSEBase): ACPs do not apply; the requested AE-ID-Stem must
     * match one of the allowed patterns (the stand-in for the service subscription profile).
     */
    record Registration(java.util.List<String> allowedStems, String requestedStem) implements GoverningPolicy {}

    /**
     * A policy plus privileges a Dynamic Authorization Server granted for this resource (dynamic ACPs,
     * TS-0003 §7.3.2.2 step 5), which are consulted when the policy itself denies.
     */
    record WithGrants(GoverningPolicy base, List<NamedRules> grants) implements GoverningPolicy {}

    /**
     * Something only its owner may use, not even the administrator: a {@code <pollingChannel>} carries the
     * requests meant for the AE or CSE that made it (TS-0001 §10.2.5.22), so anybody else draining it would
     * take them away from their addressee.
     */
    record OwnerOnly(String owner, String what) implements GoverningPolicy {}

    /**
     * NOTIFY to an entity: a CSE may notify the entities it reaches (it verified the target when the subscription
     * was made there, and the identify stage bound it to its security association); anybody else needs what
     * {@code otherwise} grants.
     */
    record PeerCseNotify(boolean originatorIsCse, GoverningPolicy otherwise) implements GoverningPolicy {}
}
