package io.citadel.engine.types;

import io.citadel.engine.authorization.AccessQuestion;
import io.citadel.engine.resources.Resource;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResourceType;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@code <AE>} registration (TS-0001 §10.2.2.2): the AE-ID-Stem comes from {@code From} ({@code Cxyz},
 * {@code Sxyz}) or is assigned by this CSE ({@code From} absent, {@code C} or {@code S}); it becomes the
 * {@code ri} and {@code aei}; the AE is its own creator.
 */
public final class AeBehaviour implements TypeBehaviour {
    private final UnaryOperator<String> stemGenerator;
    private final UnaryOperator<String> normalizer;

    /**
     * @param stemGenerator makes a fresh stem from a prefix ("C" or "S")
     * @param normalizer turns a stem into the normalised originator form
     */
    public AeBehaviour(UnaryOperator<String> stemGenerator, UnaryOperator<String> normalizer) {
        this.stemGenerator = stemGenerator;
        this.normalizer = normalizer;
    }

    @Override
    public ResourceType type() {
        return ResourceType.AE;
    }

    /** The stem an AE registering with this {@code From} gets; 4000 for any other form of From. */
    /** AE registration: ACPs do not apply; the requested AE-ID-Stem must be one the operator allows. */
    @Override
    public AccessQuestion createAccess(Resource parent, Map<String, Object> requested, String rawFrom) {
        TypeBehaviour.requireCseBaseParent(parent, "an AE");
        return new AccessQuestion.Registration(stemFor(rawFrom));
    }

    public String stemFor(String from) {
        if (from == null || from.isEmpty() || from.equals("C")) {
            return stemGenerator.apply("C");
        }
        if (from.equals("S")) {
            return stemGenerator.apply("S");
        }
        if (!from.matches("[CS][A-Za-z0-9._-]{1,127}")) {
            throw OneM2mException.badRequest("'From' of an AE registration must be empty, 'C', 'S' or an "
                    + "AE-ID-Stem starting with 'C' or 'S'");
        }
        return from;
    }

    @Override
    public void prepareCreate(CreateDraft draft) {
        String stem = stemFor(draft.rawFrom());
        draft.ri(stem);
        draft.creator(normalizer.apply(stem));
        draft.attributes().put("aei", stem);
        if (draft.attributes().containsKey("cr")) {
            draft.attributes().put("cr", stem);
        }
    }
}
