package io.citadel.engine.operations;

import io.citadel.engine.authorization.AccessQuestion;
import io.citadel.engine.authorization.Originator;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.engine.resources.FilterMatcher;
import io.citadel.engine.resources.Representation;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.Target;
import io.citadel.protocol.FilterCriteria;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.ResultContent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** RETRIEVE, including partial retrieve, la/ol, child listings and discovery. */
public final class RetrieveOperation {
    private final EngineParts parts;

    public RetrieveOperation(EngineParts parts) {
        this.parts = parts;
    }

    /** Describes what the retrieval (or discovery) needs to be allowed and how it then reads. */
    public OperationPlan plan(RequestPrimitive req, Originator originator, Target target, RequestContext ctx) {
        if (req.isDiscovery()) {
            if (target.virtual() != Target.Virtual.NONE || target.attribute() != null) {
                throw OneM2mException.badRequest("discovery needs a real resource as target");
            }
            return new OperationPlan(
                    AccessQuestion.Privilege.of(Operation.DISCOVERY_BIT, target.resource()),
                    () -> discover(req, originator, target, ctx));
        }
        Resource resource = target.resource();
        if (target.virtual() != Target.Virtual.NONE) {
            return new OperationPlan(AccessQuestion.Privilege.of(Operation.RETRIEVE.permissionBit(), resource), () -> {
                refuseIfRetrievalDisabled(resource);
                Resource edge = parts.repository()
                        .edgeInstance(resource, target.virtual() == Target.Virtual.LATEST)
                        .orElseThrow(() -> OneM2mException.notFound("the container has no content instance"));
                return read(req, originator, target, ctx, edge);
            });
        }
        java.util.Set<String> partial = target.attribute() != null
                ? java.util.Set.of(target.attribute())
                : req.attributeList().isEmpty() ? null : java.util.Set.copyOf(req.attributeList());
        return new OperationPlan(
                new AccessQuestion.Privilege(Operation.RETRIEVE.permissionBit(), null, null, resource, false, partial),
                () -> {
                    if (resource.type() == ResourceType.CONTENT_INSTANCE) {
                        parts.repository()
                                .findById(resource.parentId())
                                .ifPresent(RetrieveOperation::refuseIfRetrievalDisabled);
                    }
                    return read(req, originator, target, ctx, resource);
                });
    }

    private ResponsePrimitive read(
            RequestPrimitive req, Originator originator, Target target, RequestContext ctx, Resource found) {
        Resource resource = parts.notifier().withStatistics(found);
        FilterCriteria fc = req.filterCriteria();
        ResultContent rcn = req.resultContent() == null
                ? ResultContent.ATTRIBUTES
                : ResultContent.of(req.resultContent()).orElseThrow();
        Representation rep = parts.representation();
        boolean structured = req.desiredIdResultType() != 2;
        if (target.attribute() != null || !req.attributeList().isEmpty()) {
            List<String> names = target.attribute() != null ? List.of(target.attribute()) : req.attributeList();
            return ok(req, rep.partial(resource, names));
        }
        if (rcn == ResultContent.ATTRIBUTES) {
            if (fc != null && !FilterMatcher.matches(fc, resource)) {
                throw OneM2mException.notFound("the target does not match the filter criteria");
            }
            return ok(req, rep.full(resource));
        }
        List<Resource> children = readableChildren(resource, fc, originator, ctx);
        Object content = switch (rcn) {
            case ATTRIBUTES_AND_CHILD_RESOURCES -> rep.withChildren(resource, children, true);
            case CHILD_RESOURCES -> rep.withChildren(resource, children, false);
            case ATTRIBUTES_AND_CHILD_RESOURCE_REFERENCES -> rep.withChildReferences(resource, children, structured);
            case CHILD_RESOURCE_REFERENCES -> Map.of("m2m:rrl", Map.of("rrf", rep.references(children, structured)));
            default ->
                throw new OneM2mException(
                        ResponseStatusCode.NOT_IMPLEMENTED, "rcn " + rcn.code() + " is not supported");
        };
        return ok(req, content);
    }

    private static void refuseIfRetrievalDisabled(Resource container) {
        if (Boolean.TRUE.equals(container.get("disr"))) {
            throw new OneM2mException(
                    ResponseStatusCode.OPERATION_NOT_ALLOWED, "the container disables retrieval of its instances");
        }
    }

    private List<Resource> readableChildren(
            Resource parent, FilterCriteria fc, Originator originator, RequestContext ctx) {
        int limit = limit(fc);
        List<Resource> out = new ArrayList<>();
        int skip = fc != null && fc.offset() != null ? fc.offset() - 1 : 0;
        List<Integer> types = fc != null ? fc.resourceTypes() : List.of();
        for (Resource child :
                parts.repository().children(parent, types, parts.settings().maxResults() + skip)) {
            if (FilterMatcher.matches(fc, child)
                    && parts.accessControl()
                            .decide(originator, Operation.RETRIEVE.permissionBit(), null, child, false, ctx)
                            .permitted()) {
                if (skip > 0) {
                    skip--;
                } else if (out.size() < limit) {
                    out.add(child);
                }
            }
        }
        return out;
    }

    private int limit(FilterCriteria fc) {
        int max = parts.settings().maxResults();
        return fc != null && fc.limit() != null ? Math.min(fc.limit(), max) : max;
    }

    private ResponsePrimitive discover(RequestPrimitive req, Originator originator, Target target, RequestContext ctx) {
        Resource root = target.resource();
        FilterCriteria fc = req.filterCriteria();
        int limit = limit(fc);
        int skip = fc.offset() != null ? fc.offset() - 1 : 0;
        int level = fc.level() != null ? fc.level() : 0;
        Map<String, Boolean> allowedByParent = new HashMap<>();
        List<Resource> found = new ArrayList<>();
        int scanned = 0;
        int scanLimit = Math.max(10_000, parts.settings().maxResults() * 10);
        for (Resource r : parts.repository().descendants(root, level, scanLimit)) {
            scanned++;
            if (!FilterMatcher.matches(fc, r)) {
                continue;
            }
            boolean allowed = r.type() == ResourceType.CONTENT_INSTANCE
                    ? allowedByParent.computeIfAbsent(r.parentId(), pid -> discoverable(r, originator, ctx))
                    : discoverable(r, originator, ctx);
            if (!allowed) {
                continue;
            }
            if (skip > 0) {
                skip--;
                continue;
            }
            found.add(r);
            if (found.size() >= limit) {
                break;
            }
        }
        boolean structured = req.desiredIdResultType() != 2;
        if (req.resultContent() != null && req.resultContent() == ResultContent.CHILD_RESOURCE_REFERENCES.code()) {
            return ok(
                    req, Map.of("m2m:rrl", Map.of("rrf", parts.representation().references(found, structured))));
        }
        List<String> uris = new ArrayList<>(found.size());
        found.forEach(r -> uris.add(Representation.address(r, structured)));
        return ok(req, Map.of("m2m:uril", uris));
    }

    private boolean discoverable(Resource r, Originator originator, RequestContext ctx) {
        return parts.accessControl()
                .decide(originator, Operation.DISCOVERY_BIT, null, r, false, ctx)
                .permitted();
    }

    private static ResponsePrimitive ok(RequestPrimitive req, Object content) {
        return ResponsePrimitive.of(ResponseStatusCode.OK, req, content);
    }
}
