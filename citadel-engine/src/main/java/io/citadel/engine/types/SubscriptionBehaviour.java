package io.citadel.engine.types;

import io.citadel.engine.authorization.AccessQuestion;
import io.citadel.engine.notification.DeliveryPolicy;
import io.citadel.engine.resources.Resource;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.ResourceType;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code <subscription>} (TS-0004 §7.4.8): checks the members the generic schema cannot ({@code enc},
 * {@code bn}), starts {@code nsi} when statistics are asked for. What happens to events is the
 * engine's notifier's business.
 */
public final class SubscriptionBehaviour implements TypeBehaviour {
    private static final int MAX_TARGETS = 64;
    private final Consumer<Object> criteriaCheck;

    /** @param criteriaCheck validates {@code enc}; throws OneM2mException when it is malformed or unsupported */
    public SubscriptionBehaviour(Consumer<Object> criteriaCheck) {
        this.criteriaCheck = criteriaCheck;
    }

    @Override
    public ResourceType type() {
        return ResourceType.SUBSCRIPTION;
    }

    /** Subscribing needs the right to read what is watched, not to create (TS-0001 §10.2.10.1). */
    @Override
    public AccessQuestion createAccess(Resource parent, Map<String, Object> requested, String rawFrom) {
        return new AccessQuestion.Privilege(
                Operation.RETRIEVE.permissionBit(), null, null, parent, false, requested.keySet());
    }

    @Override
    public void prepareCreate(CreateDraft draft) {
        Map<String, Object> a = draft.attributes();
        check(a);
        if (Boolean.TRUE.equals(a.get("nse"))) {
            a.put("nsi", List.of());
        }
    }

    @Override
    public void checkUpdate(Resource current, Map<String, Object> changes) {
        check(changes);
        if (changes.containsKey("nse")) {
            changes.put("nsi", Boolean.TRUE.equals(changes.get("nse")) ? List.of() : null);
        }
    }

    private void check(Map<String, Object> a) {
        if (a.containsKey("enc")) {
            criteriaCheck.accept(a.get("enc"));
        }
        if (a.get("nu") instanceof List<?> nu && nu.size() > MAX_TARGETS) {
            throw OneM2mException.badRequest("at most " + MAX_TARGETS + " notification targets (nu) per subscription");
        }
        if (a.get("bn") != null) {
            policyOf(a);
        }
        if (a.get("e2es") instanceof Number e && e.longValue() > 1) {
            throw OneM2mException.badRequest(
                    "e2es is 0 (as the CSE sends) or 1 (only sealed by ESPrim, never in clear)");
        }
    }

    /** The delivery policy a subscription's {@code bn}, {@code ln} and {@code pn} ask for. */
    public static DeliveryPolicy policyOf(Map<String, Object> sub) {
        int num = 0;
        Duration dur = Duration.ZERO;
        if (sub.get("bn") instanceof Map<?, ?> bn) {
            for (Object k : bn.keySet()) {
                if (!k.equals("num") && !k.equals("dur")) {
                    throw OneM2mException.badRequest("bn has an unknown member '" + k + "'");
                }
            }
            if (bn.get("num") != null) {
                if (!(bn.get("num") instanceof Number n) || n.longValue() < 1 || n.longValue() > Integer.MAX_VALUE) {
                    throw OneM2mException.badRequest("bn/num must be a positive integer");
                }
                num = n.intValue();
            }
            if (bn.get("dur") != null) {
                dur = duration(bn.get("dur"));
            }
            if (num == 0 && dur.isZero()) {
                throw OneM2mException.badRequest("bn needs num or dur");
            }
        } else if (sub.get("bn") != null) {
            throw OneM2mException.badRequest("bn must be an m2m:batchNotify object");
        }
        boolean latest = Boolean.TRUE.equals(sub.get("ln"));
        DeliveryPolicy.Pending pending = sub.get("pn") instanceof Number p && p.intValue() == 1
                ? DeliveryPolicy.Pending.LATEST
                : DeliveryPolicy.Pending.ALL;
        boolean sealed = sub.get("e2es") instanceof Number e && e.longValue() == 1;
        return new DeliveryPolicy(num, dur, latest, pending, sealed);
    }

    /** xs:duration ({@code PT5S}) or, as many CSEs accept, a number of milliseconds. */
    private static Duration duration(Object value) {
        Duration d;
        if (value instanceof Number n) {
            d = Duration.ofMillis(n.longValue());
        } else if (value instanceof String s) {
            try {
                d = Duration.parse(s);
            } catch (DateTimeParseException e) {
                throw OneM2mException.badRequest("bn/dur must be an xs:duration such as PT10S");
            }
        } else {
            throw OneM2mException.badRequest("bn/dur must be an xs:duration such as PT10S");
        }
        if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(1)) > 0) {
            throw OneM2mException.badRequest("bn/dur must be positive and at most one day");
        }
        return d;
    }
}
