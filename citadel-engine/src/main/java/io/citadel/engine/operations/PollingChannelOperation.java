package io.citadel.engine.operations;

import io.citadel.engine.authorization.AccessQuestion;
import io.citadel.engine.authorization.Originator;
import io.citadel.engine.notification.PollingChannels;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.Target;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.time.Duration;
import java.time.Instant;

/**
 * Requests to {@code <pollingChannel>/pcu}: only the AE or CSE that owns the channel may use it (4103 for
 * anyone else). RETRIEVE long-polls for the next waiting request (at most {@code maxWait}, less when the
 * poll's own {@code rqet} is nearer); NOTIFY with {@code m2m:rsp} answers one.
 */
public final class PollingChannelOperation {
    private final EngineParts parts;
    private final PollingChannels channels;
    private final Duration maxWait;

    public PollingChannelOperation(EngineParts parts, PollingChannels channels, Duration maxWait) {
        this.parts = parts;
        this.channels = channels;
        this.maxWait = maxWait;
    }

    /** Describes who may use the channel (its owner alone) and how the poll or answer then runs. */
    public OperationPlan plan(RequestPrimitive req, Originator originator, Target target) {
        Resource channel = target.resource();
        Resource owner = parts.repository()
                .findById(channel.parentId())
                .orElseThrow(() -> OneM2mException.notFound("the polling channel's owner is gone"));
        String ownerId = owner.type() == ResourceType.AE
                ? parts.accessControl().ids().normalize(owner.ri())
                : owner.getString("csi");
        return new OperationPlan(new AccessQuestion.PollingChannelOwner(ownerId, channel), () -> use(req, channel));
    }

    private ResponsePrimitive use(RequestPrimitive req, Resource channel) {
        switch (req.operation()) {
            case RETRIEVE -> {
                Duration wait = maxWait;
                if (req.requestExpiration() != null) {
                    Duration left = Duration.between(Instant.now(), req.requestExpiration())
                            .minusMillis(200);
                    wait = left.compareTo(wait) < 0 ? (left.isNegative() ? Duration.ZERO : left) : wait;
                }
                return ResponsePrimitive.of(ResponseStatusCode.OK, req, channels.poll(channel, wait));
            }
            case NOTIFY -> {
                channels.respond(channel, req.content());
                return ResponsePrimitive.of(ResponseStatusCode.OK, req, null);
            }
            default ->
                throw new OneM2mException(
                        ResponseStatusCode.OPERATION_NOT_ALLOWED,
                        "pollingChannelURI takes RETRIEVE (poll) and NOTIFY (answer) only");
        }
    }
}
