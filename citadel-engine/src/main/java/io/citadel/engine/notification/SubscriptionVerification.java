package io.citadel.engine.notification;

import io.citadel.engine.authorization.AccessControl;
import io.citadel.engine.authorization.Originator;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.engine.resources.Resource;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The verification request a new notification target gets before a subscription may use it (TS-0001
 * §10.2.10.1, TS-0004 §7.3.8.2.1): a NOTIFY with {@code vrq}, {@code sur} and {@code cr}. Targets that are
 * the subscriber itself are not asked. An AE of this CSE is checked here: the subscriber needs NOTIFY
 * privilege on it (else 4101), then the AE itself is asked at its {@code poa}. Any target that does not
 * answer with success fails the request with 5204, or with the target's own 4101/5205.
 */
public final class SubscriptionVerification {
    private final NotificationTargets targets;
    private final NotifyRequests requests;
    private final AccessControl accessControl;
    private final Duration timeout;

    public SubscriptionVerification(
            NotificationTargets targets, NotifyRequests requests, AccessControl accessControl, Duration timeout) {
        this.targets = targets;
        this.requests = requests;
        this.accessControl = accessControl;
        this.timeout = timeout;
    }

    /**
     * @param subscriptionReference {@code sur} of the subscription being created or updated
     * @param subscriber the originator as received and normalised
     * @param newTargets targets not verified before
     */
    public void verify(
            String subscriptionReference,
            String rawSubscriber,
            String subscriber,
            List<String> newTargets,
            RequestContext ctx) {
        List<String> toAsk = new ArrayList<>();
        for (String target : newTargets) {
            if (target.equals(rawSubscriber)
                    || accessControl.ids().normalize(target).equals(subscriber)) {
                continue;
            }
            targets.localResource(target)
                    .filter(r -> !NotificationTargets.isUrl(target))
                    .ifPresent(local -> requireNotifyPrivilege(local, rawSubscriber, subscriber, ctx));
            toAsk.add(target);
        }
        if (toAsk.isEmpty()) {
            return;
        }
        Map<String, Object> sgn = new LinkedHashMap<>();
        sgn.put("vrq", true);
        sgn.put("sur", subscriptionReference);
        sgn.put("cr", rawSubscriber);
        Map<String, Object> content = Map.of("m2m:sgn", sgn);
        List<CompletableFuture<ResponsePrimitive>> answers = new ArrayList<>();
        for (String target : toAsk) {
            answers.add(requests.request(target, content, timeout));
        }
        for (int i = 0; i < toAsk.size(); i++) {
            ResponsePrimitive rsp = await(answers.get(i), toAsk.get(i));
            if (rsp.status().isSuccess()) {
                continue;
            }
            if (rsp.status() == ResponseStatusCode.SUBSCRIPTION_CREATOR_HAS_NO_PRIVILEGE
                    || rsp.status() == ResponseStatusCode.SUBSCRIPTION_HOST_HAS_NO_PRIVILEGE) {
                throw new OneM2mException(
                        rsp.status(), "notification target " + toAsk.get(i) + " refused the subscription");
            }
            throw new OneM2mException(
                    ResponseStatusCode.SUBSCRIPTION_VERIFICATION_INITIATION_FAILED,
                    "verification of notification target " + toAsk.get(i) + " failed: it answered "
                            + rsp.status().code());
        }
    }

    private void requireNotifyPrivilege(Resource local, String raw, String subscriber, RequestContext ctx) {
        Originator creator = new Originator(raw, subscriber, false, true, List.of(), false, Set.of());
        if (!accessControl
                .decide(creator, Operation.NOTIFY.permissionBit(), null, local, false, ctx)
                .permitted()) {
            throw new OneM2mException(
                    ResponseStatusCode.SUBSCRIPTION_CREATOR_HAS_NO_PRIVILEGE,
                    "the subscriber has no NOTIFY privilege on notification target " + local.ri());
        }
    }

    private ResponsePrimitive await(CompletableFuture<ResponsePrimitive> answer, String target) {
        try {
            return answer.get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(target, "interrupted");
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw failed(target, "no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw failed(
                    target,
                    cause instanceof TimeoutException
                            ? "no answer within " + timeout.toMillis() + " ms"
                            : "it could not be reached");
        }
    }

    private static OneM2mException failed(String target, String why) {
        return new OneM2mException(
                ResponseStatusCode.SUBSCRIPTION_VERIFICATION_INITIATION_FAILED,
                "verification of notification target " + target + " failed: " + why);
    }
}
