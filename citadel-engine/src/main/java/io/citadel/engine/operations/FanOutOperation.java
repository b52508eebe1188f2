package io.citadel.engine.operations;

import io.citadel.engine.authorization.AccessQuestion;
import io.citadel.engine.authorization.Originator;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.Target;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * A request to {@code <group>/fopt[/path]} (TS-0001 §10.2.7.6): who may use the fan-out point is decided
 * by the group's {@code macp} when it has one, else by the group's own policy for the same operation.
 * Then the request goes to every member (with {@code /path} appended) through the whole pipeline, in
 * parallel and with the originator's own identity, so each member's host applies its own access control
 * and members on other CSEs are forwarded. The answers come back as one {@code m2m:agr}, in member order;
 * a member that does not answer in time is reported with 5103.
 */
public final class FanOutOperation implements AutoCloseable {
    private final EngineParts parts;
    private final BiFunction<RequestPrimitive, RequestContext, ResponsePrimitive> pipeline;
    private final Duration memberTimeout;
    private final ExecutorService workers =
            new ThreadPoolExecutor(16, 16, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000), r -> {
                Thread t = new Thread(r, "citadel-fanout");
                t.setDaemon(true);
                return t;
            });

    public FanOutOperation(
            EngineParts parts,
            BiFunction<RequestPrimitive, RequestContext, ResponsePrimitive> pipeline,
            Duration memberTimeout) {
        this.parts = parts;
        this.pipeline = pipeline;
        this.memberTimeout = memberTimeout;
    }

    /**
     * Describes what the fan-out needs (the group's {@code macp} when it has one, else the privilege on the group
     * itself) and how it then sends to every member.
     */
    public OperationPlan plan(RequestPrimitive req, Originator originator, Target target, RequestContext ctx) {
        Resource group = target.resource();
        int bit = req.isDiscovery()
                ? io.citadel.protocol.Operation.DISCOVERY_BIT
                : req.operation().permissionBit();
        AccessQuestion question = group.get("macp") instanceof List<?> macp && !macp.isEmpty()
                ? new AccessQuestion.MembersPolicy(
                        macp.stream().map(String::valueOf).toList(), bit, req.resourceType(), group)
                : new AccessQuestion.Privilege(bit, req.resourceType(), null, group, false, null);
        return new OperationPlan(question, () -> fanOut(req, target, ctx, group));
    }

    private ResponsePrimitive fanOut(RequestPrimitive req, Target target, RequestContext ctx, Resource group) {
        List<String> members = group.get("mid") instanceof List<?> l
                ? l.stream().map(String::valueOf).toList()
                : List.of();
        List<String> targets = new ArrayList<>();
        List<CompletableFuture<ResponsePrimitive>> answers = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            String to = target.memberPath().isEmpty() ? members.get(i) : members.get(i) + "/" + target.memberPath();
            RequestPrimitive one = retargeted(req, to, req.requestId() + "-" + (i + 1));
            targets.add(to);
            CompletableFuture<ResponsePrimitive> answer;
            try {
                answer = CompletableFuture.supplyAsync(() -> pipeline.apply(one, ctx), workers);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                answer = CompletableFuture.completedFuture(ResponsePrimitive.error(
                        ResponseStatusCode.TARGET_NOT_REACHABLE,
                        one.requestId(),
                        one.releaseVersion(),
                        "too many fan-out requests at once"));
            }
            answers.add(answer.completeOnTimeout(
                    ResponsePrimitive.error(
                            ResponseStatusCode.TARGET_NOT_REACHABLE,
                            one.requestId(),
                            one.releaseVersion(),
                            "member did not answer in time"),
                    memberTimeout.toMillis(),
                    TimeUnit.MILLISECONDS));
        }
        List<Map<String, Object>> rsps = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            ResponsePrimitive rsp = answers.get(i).join();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("rsc", (long) rsp.status().code());
            entry.put("rqi", rsp.requestId());
            if (rsp.content() != null) {
                entry.put("pc", rsp.content());
            }
            entry.put("to", targets.get(i));
            entry.put("rvi", req.releaseVersion());
            rsps.add(entry);
        }
        return ResponsePrimitive.of(ResponseStatusCode.OK, req, Map.of("m2m:agr", Map.of("m2m:rsp", rsps)));
    }

    private static RequestPrimitive retargeted(RequestPrimitive req, String to, String requestId) {
        return req.redirected(to, req.from(), requestId);
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
