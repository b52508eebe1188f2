package io.citadel.maf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.credentials.KeyDerivation;
import io.citadel.mef.http.HttpAnswers;
import io.citadel.tls.ChannelIdentity;
import io.citadel.tls.KeyingMaterial;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * The MAF's key procedures over HTTP with JSON (TS-0003 §8.8.2; the TS-0032 names are unknown, so the members are
 * the abstract parameters' names, decisions "Issue 16"):
 * <ul>
 * <li>{@code POST /maf/keys} Key Registration: {@code {"suid", "targetIDs", "expirationTime"?, "labels"?,
 * "keyValue"?}} → 201 with the key's {@code relativeKeyID} and {@code keyID};</li>
 * <li>{@code GET /maf/keys/<relativeKeyID>}: Key Retrieval by a target (with {@code keyValue}), or the key's
 * configuration for its source (without);</li>
 * <li>{@code PUT /maf/keys/<relativeKeyID>} Key Registration Update, {@code DELETE} Key De-registration (source only);</li>
 * <li>{@code /maf/clients}: MAF client registration ({@link MafClientRoutes}).</li>
 * </ul>
 * The client is who its handshake proved; refusals are their HTTP status with {@code {"errorString"}}.
 */
public final class MafHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String KEYS = "/maf/keys";
    private static final Logger LOG = System.getLogger("citadel.maf");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MafKeys keys;
    private final MafClientRoutes clients;
    private final String fqdn;
    private final Executor worker;
    private final Function<ChannelHandlerContext, Optional<String>> client;

    /** @param client the MAF client the connection's handshake proved (its one AE-ID or CSE-ID) */
    public MafHttpHandler(
            MafKeys keys,
            MafClients clients,
            String fqdn,
            Executor worker,
            Function<ChannelHandlerContext, Optional<String>> client) {
        this.keys = keys;
        this.clients = new MafClientRoutes(clients, fqdn);
        this.fqdn = fqdn;
        this.worker = worker;
        this.client = client;
    }

    private record Call(
            String client,
            String pskIdentity,
            HttpMethod method,
            String uri,
            byte[] body,
            KeyingMaterial session,
            List<Runnable> afterAnswer) {}

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        Optional<String> who = client.apply(ctx);
        if (who.isEmpty()) {
            HttpAnswers.write(ctx, refusal(new MafException(401, "the TLS handshake proved no MAF client")), false);
            return;
        }
        io.citadel.credentials.SecurityAssociation sa =
                ctx.channel().attr(ChannelIdentity.ASSOCIATION).get();
        String psk =
                sa != null && sa.pskIdentity().isPresent() ? sa.pskIdentity().get() : null;
        Call call = new Call(
                who.get(),
                psk,
                request.method(),
                request.uri(),
                ByteBufUtil.getBytes(request.content()),
                ctx.channel().attr(ChannelIdentity.KEYING_MATERIAL).get(),
                new java.util.concurrent.CopyOnWriteArrayList<>());
        try {
            worker.execute(() -> {
                FullHttpResponse response = handle(call);
                ctx.executor()
                        .execute(() -> HttpAnswers.write(ctx, response, keepAlive)
                                .addListener(written -> call.afterAnswer().forEach(this::afterAnswer)));
            });
        } catch (RejectedExecutionException busy) {
            HttpAnswers.write(ctx, refusal(new MafException(503, "the MAF is busy; retry later")), false);
        }
    }

    /** Runs what must follow an answer on the worker, never on the event loop (it writes to disk). */
    private void afterAnswer(Runnable action) {
        Runnable logged = () -> {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "MAF: an assigned key could not be removed; it is removed at the next start", e);
            }
        };
        try {
            worker.execute(logged);
        } catch (RejectedExecutionException busy) {
            logged.run();
        }
    }

    private FullHttpResponse handle(Call call) {
        try {
            if (MafClientRoutes.serves(call.uri())) {
                MafClientRoutes.Answer a = clients.handle(
                        call.method().name(),
                        call.uri(),
                        call.client(),
                        call.pskIdentity(),
                        call.body(),
                        call.afterAnswer()::add);
                LOG.log(
                        Level.INFO,
                        "MAF client " + call.method() + " " + call.uri() + " by " + call.client() + " answered "
                                + a.status());
                return a.body() == null
                        ? HttpAnswers.response(HttpResponseStatus.valueOf(a.status()), "application/json", new byte[0])
                        : json(a.status(), a.body());
            }
            if (call.uri().equals(KEYS)) {
                requireMethod(call.method(), HttpMethod.POST);
                MafKey key = keys.register(call.client(), registration(call.body()), () -> exported(call.session()));
                LOG.log(
                        Level.INFO,
                        "MAF key " + key.relativeKeyId() + " registered by " + call.client() + " for " + key.targets()
                                + " (suid " + key.suid() + ")");
                return json(201, describe(key, null));
            }
            if (!call.uri().startsWith(KEYS + "/")) {
                throw new MafException(404, "no such MAF operation");
            }
            String id = call.uri().substring(KEYS.length() + 1);
            if (call.method().equals(HttpMethod.GET)) {
                MafKey own = ownKey(call.client(), id);
                if (own != null) {
                    return json(200, describe(own, null));
                }
                MafKeys.Retrieved r = keys.retrieve(call.client(), id);
                try {
                    LOG.log(Level.INFO, "MAF key " + id + " retrieved by " + call.client());
                    return json(200, describe(r.key(), r.value()));
                } finally {
                    java.util.Arrays.fill(r.value(), (byte) 0);
                }
            }
            if (call.method().equals(HttpMethod.PUT)) {
                return json(200, describe(keys.update(call.client(), id, update(call.body())), null));
            }
            if (call.method().equals(HttpMethod.DELETE)) {
                keys.deregister(call.client(), id);
                LOG.log(Level.INFO, "MAF key " + id + " de-registered by " + call.client());
                return json(200, Map.of());
            }
            throw new MafException(405, "a key takes GET, PUT or DELETE");
        } catch (MafException e) {
            LOG.log(
                    Level.INFO,
                    "MAF " + call.method() + " " + call.uri() + " refused for " + call.client() + ": "
                            + e.getMessage());
            return refusal(e);
        } catch (RuntimeException e) {
            long incident = System.nanoTime();
            LOG.log(Level.ERROR, "MAF " + call.uri() + " failed (incident " + incident + ")", e);
            return refusal(new MafException(500, "the MAF could not complete the request (incident " + incident + ")"));
        }
    }

    /** The session's Kc material, once per session; null when it has none (certificate TLS) or gave it already. */
    private static byte[] exported(KeyingMaterial session) {
        try {
            return session == null
                    ? null
                    : session.export(KeyDerivation.CONNECTION_EXPORTER, KeyDerivation.EXPORT_LENGTH);
        } catch (IllegalStateException usedAlready) {
            return null;
        }
    }

    /** The key when {@code client} registered it and is not also one of its targets; else null. */
    private MafKey ownKey(String client, String id) {
        try {
            MafKey k = keys.configuration(client, id);
            return k.targets().contains(client) ? null : k;
        } catch (MafException notOwn) {
            return null;
        }
    }

    private static void requireMethod(HttpMethod actual, HttpMethod expected) {
        if (!actual.equals(expected)) {
            throw new MafException(405, "this MAF operation takes " + expected);
        }
    }

    private static JsonNode body(byte[] body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw new MafException(400, "the request body is a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new MafException(400, "the request body is not JSON");
        }
    }

    static MafKeys.Registration registration(byte[] bytes) {
        JsonNode n = body(bytes);
        JsonNode suid = n.get("suid");
        if (suid == null || !suid.canConvertToInt() || !suid.isIntegralNumber()) {
            throw new MafException(400, "suid is a number (m2m:suid)");
        }
        byte[] value = null;
        if (n.has("keyValue")) {
            try {
                value = Base64.getDecoder().decode(text(n, "keyValue"));
            } catch (IllegalArgumentException e) {
                throw new MafException(400, "keyValue is base64");
            }
        }
        return new MafKeys.Registration(
                suid.intValue(), strings(n, "targetIDs"), time(n, "expirationTime"), strings(n, "labels"), value);
    }

    static MafKeys.Update update(byte[] bytes) {
        JsonNode n = body(bytes);
        return new MafKeys.Update(strings(n, "targetIDs"), time(n, "expirationTime"), strings(n, "labels"));
    }

    private static String text(JsonNode n, String member) {
        JsonNode v = n.get(member);
        if (v == null || !v.isTextual()) {
            throw new MafException(400, member + " is a string");
        }
        return v.asText();
    }

    private static Instant time(JsonNode n, String member) {
        if (!n.has(member)) {
            return null;
        }
        try {
            return Instant.parse(text(n, member));
        } catch (DateTimeParseException e) {
            throw new MafException(400, member + " is a UTC timestamp (2026-12-31T00:00:00Z)");
        }
    }

    private static List<String> strings(JsonNode n, String member) {
        if (!n.has(member)) {
            return null;
        }
        JsonNode v = n.get(member);
        if (!v.isArray() || v.size() > 64) {
            throw new MafException(400, member + " is a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw new MafException(400, member + " is a list of strings");
            }
            out.add(e.asText());
        }
        return out;
    }

    private Map<String, Object> describe(MafKey k, byte[] value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("relativeKeyID", k.relativeKeyId());
        m.put("keyID", k.relativeKeyId() + "@" + fqdn);
        m.put("sourceMafClientID", k.source());
        m.put("suid", k.suid());
        m.put("targetIDs", k.targets());
        m.put("expirationTime", k.expires().toString());
        m.put("labels", k.labels());
        if (value != null) {
            m.put("keyValue", Base64.getEncoder().encodeToString(value));
        }
        return m;
    }

    private static FullHttpResponse json(int status, Object body) {
        try {
            return HttpAnswers.response(
                    HttpResponseStatus.valueOf(status), "application/json", JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static FullHttpResponse refusal(MafException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("errorString", e.getMessage());
        if (e.regId() != null) { // only ever the caller's own registration
            body.put(MafClientRoutes.REG_ID, e.regId());
        }
        return json(e.httpStatus(), body);
    }
}
