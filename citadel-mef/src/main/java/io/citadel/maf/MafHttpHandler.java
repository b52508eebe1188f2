package io.citadel.maf;

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

    private final KeyProcedureRoutes keyRoutes;
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
        this.keyRoutes = new KeyProcedureRoutes(keys, KEYS, fqdn, "sourceMafClientID", LOG);
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
            KeyProcedureRoutes.Answer a = keyRoutes.handle(
                    call.method().name(), call.uri(), call.client(), call.body(), () -> exported(call.session()));
            return json(a.status(), a.body());
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
        return KeyingMaterial.once(session, KeyDerivation.CONNECTION_EXPORTER, KeyDerivation.EXPORT_LENGTH);
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
