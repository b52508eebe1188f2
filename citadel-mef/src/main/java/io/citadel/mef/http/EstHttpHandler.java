package io.citadel.mef.http;

import io.citadel.credentials.SecurityAssociation;
import io.citadel.mef.est.EstException;
import io.citadel.mef.est.EstService;
import io.citadel.tls.ChannelIdentity;
import io.citadel.tls.KeyingMaterial;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * EST over HTTP (RFC 7030 §3.2.2): {@code /.well-known/est/cacerts}, {@code csrattrs} (GET), {@code simpleenroll},
 * {@code simplereenroll} (POST, {@code application/pkcs10}, base64). The enrolee is the identity the TLS handshake
 * proved, never anything in the request. The work runs on {@code worker}, not on the event loop; a refusal is its
 * HTTP status with a one-line text of ours.
 */
final class EstHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = System.getLogger("citadel.mef");
    static final String PREFIX = "/.well-known/est/";
    private static final String CERTS_ONLY = "application/pkcs7-mime; smime-type=certs-only";

    /** One request, as read on the event loop. */
    private record Call(
            String uri,
            HttpMethod method,
            String contentType,
            Enrolee who,
            byte[] body,
            String from,
            KeyingMaterial exporter) {}

    private final EstService est;
    private final Executor worker;
    private final Function<ChannelHandlerContext, Optional<Enrolee>> authenticated;
    private final KeyRoutes keys;

    EstHttpHandler(
            EstService est,
            KeyRoutes keys,
            Executor worker,
            Function<ChannelHandlerContext, Optional<Enrolee>> authenticated) {
        this.est = est;
        this.keys = keys;
        this.worker = worker;
        this.authenticated = authenticated;
    }

    /** The enrolee of a TLS-PSK session: the bootstrap key's identity. */
    static Optional<Enrolee> byBootstrapKey(ChannelHandlerContext ctx) {
        SecurityAssociation association =
                ctx.channel().attr(ChannelIdentity.ASSOCIATION).get();
        return association == null
                ? Optional.empty()
                : Optional.of(Enrolee.byBootstrapKey(MefServer.enrolee(association)));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        Optional<Enrolee> enrolee = authenticated.apply(ctx);
        String operation = request.uri().startsWith(PREFIX) ? request.uri().substring(PREFIX.length()) : null;
        byte[] body = ByteBufUtil.getBytes(request.content());
        HttpMethod method = request.method();
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (enrolee.isEmpty()) {
            answer(
                    ctx,
                    HttpResponseStatus.UNAUTHORIZED,
                    "text/plain",
                    "no enrolee: the TLS handshake proved none the MEF knows",
                    keepAlive);
            return;
        }
        Call call = new Call(
                request.uri(),
                method,
                contentType,
                enrolee.get(),
                body,
                request.headers().get("X-M2M-Origin"),
                ctx.channel().attr(ChannelIdentity.KEYING_MATERIAL).get());
        try {
            worker.execute(() -> {
                FullHttpResponse response = call.uri().startsWith(PREFIX)
                        ? handle(operation, method, contentType, enrolee.get(), body)
                        : keyOperation(call);
                ctx.executor().execute(() -> HttpAnswers.write(ctx, response, keepAlive));
            });
        } catch (RejectedExecutionException busy) {
            answer(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain", "the MEF is busy; retry later", false);
        }
    }

    private FullHttpResponse handle(String operation, HttpMethod method, String contentType, Enrolee who, byte[] body) {
        String enrolee = who.id();
        try {
            if (operation == null) {
                return HttpAnswers.response(
                        HttpResponseStatus.NOT_FOUND, "text/plain", HttpAnswers.text("no such EST operation"));
            }
            switch (operation) {
                case "cacerts":
                    requireMethod(method, HttpMethod.GET);
                    return HttpAnswers.response(HttpResponseStatus.OK, CERTS_ONLY, est.caCertificates());
                case "csrattrs":
                    requireMethod(method, HttpMethod.GET);
                    return HttpAnswers.response(
                            HttpResponseStatus.OK, "application/csrattrs", est.csrAttributes(enrolee));
                case "simpleenroll":
                    requireMethod(method, HttpMethod.POST);
                    requirePkcs10(contentType);
                    return HttpAnswers.response(HttpResponseStatus.OK, CERTS_ONLY, est.simpleEnroll(enrolee, body));
                case "simplereenroll":
                    requireMethod(method, HttpMethod.POST);
                    requirePkcs10(contentType);
                    // by the certificate shown in the handshake (none on the bootstrap-key listener: refused)
                    return HttpAnswers.response(
                            HttpResponseStatus.OK, CERTS_ONLY, est.simpleReenroll(enrolee, who.certificate(), body));
                default:
                    return HttpAnswers.response(
                            HttpResponseStatus.NOT_FOUND, "text/plain", HttpAnswers.text("no such EST operation"));
            }
        } catch (EstException e) {
            LOG.log(Level.INFO, "EST " + operation + " refused for " + enrolee + ": " + e.getMessage());
            return HttpAnswers.response(
                    HttpResponseStatus.valueOf(e.httpStatus()), "text/plain", HttpAnswers.text(e.getMessage()));
        } catch (RuntimeException e) {
            long incident = System.nanoTime();
            LOG.log(Level.ERROR, "EST " + operation + " failed (incident " + incident + ")", e);
            return HttpAnswers.response(
                    HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "text/plain",
                    HttpAnswers.text("the MEF could not complete the request (incident " + incident + ")"));
        }
    }

    /** The enrolment exchange and fetchCredentials ({@link KeyRoutes}); anything else is not found. */
    private FullHttpResponse keyOperation(Call call) {
        KeyRoutes.Answer answer;
        try {
            if (KeyRoutes.ENROLMENT.equals(call.uri())) {
                requireMethod(call.method(), HttpMethod.POST);
                answer = keys.enrolmentExchange(call.who().id(), call.exporter());
            } else if (call.uri().startsWith(KeyRoutes.FETCH)) {
                requireMethod(call.method(), HttpMethod.GET);
                answer = keys.fetchCredentials(
                        call.uri().substring(KeyRoutes.FETCH.length()),
                        call.who().targetNames(),
                        call.from());
            } else if (keys.servesKeyProcedures(call.uri())) {
                answer = keys.keyProcedure(
                        call.method().name(), call.uri(), call.who().id(), call.body(), call.exporter());
            } else if (ClientRoutes.serves(call.uri())) {
                answer = keys.clientOperation(
                        call.method().name(), call.uri(), call.who().id(), call.body());
            } else {
                return HttpAnswers.response(
                        HttpResponseStatus.NOT_FOUND, "text/plain", HttpAnswers.text("no such MEF operation"));
            }
        } catch (EstException e) {
            LOG.log(
                    Level.INFO,
                    "MEF " + call.uri() + " refused for " + call.who().id() + ": " + e.getMessage());
            answer = KeyRoutes.refusal(e);
        } catch (RuntimeException e) {
            long incident = System.nanoTime();
            LOG.log(Level.ERROR, "MEF " + call.uri() + " failed (incident " + incident + ")", e);
            answer = KeyRoutes.refusal(
                    new EstException(500, "the MEF could not complete the request (incident " + incident + ")"));
        }
        return HttpAnswers.response(HttpResponseStatus.valueOf(answer.status()), "application/json", answer.json());
    }

    private static void requireMethod(HttpMethod actual, HttpMethod expected) {
        if (!actual.equals(expected)) {
            throw new EstException(405, "this EST operation takes " + expected);
        }
    }

    private static void requirePkcs10(String contentType) {
        if (contentType == null || !contentType.split(";")[0].strip().equalsIgnoreCase("application/pkcs10")) {
            throw new EstException(415, "a certification request is sent as application/pkcs10");
        }
    }

    private static void answer(
            ChannelHandlerContext ctx, HttpResponseStatus status, String type, String text, boolean keepAlive) {
        HttpAnswers.write(ctx, HttpAnswers.response(status, type, HttpAnswers.text(text)), keepAlive);
    }
}
