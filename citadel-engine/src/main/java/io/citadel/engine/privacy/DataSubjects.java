package io.citadel.engine.privacy;

import io.citadel.engine.pipeline.IdentifyStage;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.ResourceRepository;
import io.citadel.protocol.ResourceType;
import io.citadel.security.OriginatorIds;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Whose personal data a resource is (a decision, in {@code docs/decisions.md}): the AE it sits under (or the
 * {@code <AE>} itself), and the AE that created it, wherever it sits. A data subject is named by its normalised
 * AE-ID, as originators are. CSEs and the administrator are never data subjects.
 */
public final class DataSubjects {
    /** The virtual child of an {@code <AE>} through which the AE reads its own access log. */
    public static final String ACCESS_LOG = "accessLog";

    private final ResourceRepository repository;
    private final OriginatorIds ids;
    private final String administrator;
    private final java.util.List<String> administratorSpellings;

    /** @param administratorSpellings the administrator originator as configured, normalised and absolute */
    public DataSubjects(
            ResourceRepository repository, OriginatorIds ids, java.util.List<String> administratorSpellings) {
        this.repository = repository;
        this.ids = ids;
        this.administrator = ids.normalize(administratorSpellings.get(0));
        this.administratorSpellings = java.util.List.copyOf(administratorSpellings);
    }

    /** The administrator originator as configured, normalised and absolute: a secret, never to be shown. */
    public java.util.List<String> administratorSpellings() {
        return administratorSpellings;
    }

    /** The subjects of {@code resource}: at most two, the AE above it first. */
    public Set<String> of(Resource resource) {
        Set<String> out = new LinkedHashSet<>(2);
        aeAbove(resource).ifPresent(out::add);
        String creator = resource.creator();
        if (isSubject(creator)) {
            out.add(creator);
        }
        return out;
    }

    /** Whether {@code normalized} can be a data subject: an AE-ID, not a CSE-ID or the administrator. */
    public boolean isSubject(String normalized) {
        return normalized != null
                && !normalized.isEmpty()
                && !normalized.equals(administrator)
                && !IdentifyStage.isCseId(normalized);
    }

    /**
     * The resource ID an {@code <AE>} of this CSE registered as {@code subject} has or had (its AE-ID-Stem), whether
     * or not it is registered now; empty for an AE-ID of another CSE.
     */
    public Optional<String> aeResourceId(String subject) {
        return Optional.ofNullable(ids.ownStem(subject));
    }

    /** The {@code <AE>} of this CSE registered as {@code subject}, if there is one. */
    public Optional<Resource> registeredAe(String subject) {
        String stem = ids.ownStem(subject);
        return stem == null ? Optional.empty() : repository.findById(stem).filter(r -> r.type() == ResourceType.AE);
    }

    private Optional<String> aeAbove(Resource r) {
        if (r.type() == ResourceType.AE) {
            return Optional.of(subjectOf(r));
        }
        String path = r.path();
        int first = path.indexOf('/');
        if (first < 0) {
            return Optional.empty(); // the CSEBase
        }
        int second = path.indexOf('/', first + 1);
        if (second < 0) {
            return Optional.empty(); // a child of the CSEBase that is not an AE
        }
        return repository
                .findByPath(path.substring(0, second))
                .filter(ae -> ae.type() == ResourceType.AE)
                .map(this::subjectOf);
    }

    private String subjectOf(Resource ae) {
        String aei = ae.getString("aei");
        return ids.normalize(aei == null ? ae.ri() : aei);
    }
}
