package io.citadel.das;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.citadel.protocol.Timestamps;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The Dynamic Authorization Server over HTTP.
 * <ul>
 * <li>Direct flow: a oneM2M NOTIFY (any path, {@code X-M2M-*} headers) or {@code POST /das/dynaAuth}
 * (the KETI DAS wire form) with {@code m2m:seci} sit 1 → sit 2 {@code dres} with {@code dai} and/or
 * {@code tkns}, or an empty {@code dres} (deny).</li>
 * <li>Indirect flow: {@code POST /das/token} with the {@code dreq} the CSE returned in {@code tqf} →
 * {@code dres} with tokens only.</li>
 * <li>{@code GET /das/jwks.json}: the public verification keys.</li>
 * </ul>
 * Bodies are capped at 64 KiB; a bounded pool answers, and excess requests get 503 at once.
 */
public final class DynamicAuthorizationServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("citadel.das");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 64 * 1024;
    private static final Map<Integer, Integer> OPERATION_BITS = Map.of(1, 1, 2, 2, 3, 4, 4, 8, 5, 16);

    private final HttpServer server;
    private final ThreadPoolExecutor pool;
    private final PolicyStore policies;
    private final TokenIssuer issuer;

    public DynamicAuthorizationServer(String host, int port, PolicyStore policies, TokenIssuer issuer)
            throws IOException {
        this.policies = policies;
        this.issuer = issuer;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 128);
        this.pool = new ThreadPoolExecutor(
                8, 8, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256), new ThreadPoolExecutor.AbortPolicy());
        server.setExecutor(command -> {
            try {
                pool.execute(command);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.log(System.Logger.Level.WARNING, "DAS overloaded; request dropped");
            }
        });
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (ex.getRequestMethod().equals("GET") && path.equals("/das/jwks.json")) {
                send(ex, 200, null, issuer.publicKeys().toString(true).getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (!ex.getRequestMethod().equals("POST")) {
                send(ex, 405, "4005", error("only POST (NOTIFY) and GET /das/jwks.json are served"));
                return;
            }
            byte[] body = readCapped(ex.getRequestBody());
            if (body == null) {
                send(ex, 413, "4000", error("body larger than 64 KiB"));
                return;
            }
            Map<?, ?> dreq;
            try {
                Map<?, ?> root = JSON.readValue(body, Map.class);
                Map<?, ?> seci = (Map<?, ?>) root.get("m2m:seci");
                if (seci == null
                        || !"1".equals(String.valueOf(seci.get("sit")))
                        || !(seci.get("dreq") instanceof Map<?, ?> d)) {
                    send(ex, 400, "4000", error("expected {\"m2m:seci\":{\"sit\":1,\"dreq\":{...}}}"));
                    return;
                }
                dreq = d;
            } catch (IOException | ClassCastException e) {
                send(ex, 400, "4000", error("body is not a JSON m2m:seci"));
                return;
            }
            boolean tokensOnly = path.equals("/das/token");
            String from = ex.getRequestHeaders().getFirst("X-M2M-Origin");
            Map<String, Object> dres = decide(dreq, tokensOnly, from);
            byte[] out = JSON.writeValueAsBytes(Map.of("m2m:seci", Map.of("sit", 2, "dres", dres)));
            ex.getResponseHeaders().set("X-M2M-RVI", "3");
            send(ex, 200, "2000", out);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "DAS request failed", e);
            send(ex, 500, "5000", error("internal error"));
        }
    }

    /** Applies the first matching policy; an empty {@code dres} is a denial. */
    Map<String, Object> decide(Map<?, ?> dreq, boolean tokensOnly, String consultingCse) {
        String originator = dreq.get("or") instanceof String s ? s : null;
        String target = dreq.get("trid") instanceof String s ? s : null;
        Integer bit = dreq.get("op") instanceof Number n ? OPERATION_BITS.get(n.intValue()) : null;
        String ip = dreq.get("oip") instanceof Map<?, ?> oip
                ? (String) (oip.get("ip4") != null ? oip.get("ip4") : oip.get("ip6"))
                : null;
        if (originator == null || target == null || bit == null) {
            LOG.log(System.Logger.Level.INFO, "DENY malformed consultation (needs or, op, trid)");
            return Map.of();
        }
        Integer stated = dreq.get("loa") instanceof Number n ? Integer.valueOf(n.intValue()) : null;
        Optional<DasPolicy> match = policies.firstMatch(originator, target, bit, ip, stated);
        if (match.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "DENY " + originator + " op " + bit + " on " + target + ": no policy");
            return Map.of();
        }
        DasPolicy p = match.get();
        Instant until = Instant.now().plus(p.lifetime());
        Map<String, Object> dres = new LinkedHashMap<>();
        if (!tokensOnly && p.grant() != DasPolicy.Grant.TOKEN) {
            dres.put(
                    "dai",
                    Map.of("gp", Map.of("acr", List.of(p.grantedRule(originator))), "pl", Timestamps.format(until)));
        }
        if (tokensOnly || p.grant() != DasPolicy.Grant.ACP) {
            String cseId = audienceFor(target, originator, consultingCse);
            List<String> tokens = new ArrayList<>();
            tokens.add(issuer.issue(originator, List.of(cseId), List.of(target), p.grantedRule(originator), until));
            dres.put("tkns", tokens);
        }
        LOG.log(
                System.Logger.Level.INFO,
                "PERMIT " + originator + " op " + bit + " on " + target + " by policy " + p.id());
        return dres;
    }

    /** The hosting CSE's absolute CSE-ID: the consulting CSE, else derived from the target and originator. */
    private static String audienceFor(String target, String originator, String consultingCse) {
        if (consultingCse != null && consultingCse.startsWith("//")) {
            return consultingCse;
        }
        String cse = target.startsWith("/") && target.indexOf('/', 1) > 0
                ? target.substring(0, target.indexOf('/', 1))
                : target;
        String sp = originator.startsWith("//") && originator.indexOf('/', 2) > 0
                ? originator.substring(0, originator.indexOf('/', 2))
                : "";
        return sp + cse;
    }

    private static byte[] readCapped(InputStream in) throws IOException {
        byte[] data = in.readNBytes(MAX_BODY + 1);
        return data.length > MAX_BODY ? null : data;
    }

    private static byte[] error(String message) throws IOException {
        return JSON.writeValueAsBytes(Map.of("m2m:dbg", message));
    }

    /** Every answer carries its status and echoes the request ID, when the request had one. */
    private static void send(HttpExchange ex, int status, String rsc, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        String rqi = ex.getRequestHeaders().getFirst("X-M2M-RI");
        if (rqi != null) {
            ex.getResponseHeaders().set("X-M2M-RI", rqi);
        }
        if (rsc != null) {
            ex.getResponseHeaders().set("X-M2M-RSC", rsc);
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
