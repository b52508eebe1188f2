package io.citadel.mef.ocsp;

import io.citadel.mef.http.HttpAnswers;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * OCSP over HTTP (RFC 6960 Appendix A): {@code POST /ocsp} with {@code application/ocsp-request}, or
 * {@code GET /ocsp/<base64 of the request, URL-encoded>}; the answer is {@code application/ocsp-response}. OCSP
 * answers are signed, so this listener is plain HTTP, as OCSP clients expect. The signing runs on the worker pool.
 */
public final class OcspHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String PATH = "/ocsp";

    private final OcspResponder responder;
    private final Executor worker;

    public OcspHttpHandler(OcspResponder responder, Executor worker) {
        this.responder = responder;
        this.worker = worker;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        byte[] der;
        String uri = request.uri();
        if (request.method().equals(HttpMethod.POST) && uri.equals(PATH)) {
            String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
            if (type == null || !type.split(";")[0].strip().equalsIgnoreCase("application/ocsp-request")) {
                plain(ctx, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "an OCSP request is application/ocsp-request");
                return;
            }
            der = ByteBufUtil.getBytes(request.content());
        } else if (request.method().equals(HttpMethod.GET) && uri.startsWith(PATH + "/")) {
            try {
                der = Base64.getDecoder()
                        .decode(URLDecoder.decode(uri.substring(PATH.length() + 1), StandardCharsets.US_ASCII));
            } catch (IllegalArgumentException e) {
                der = new byte[0]; // answered malformedRequest by the responder
            }
        } else if (uri.equals(PATH) || uri.startsWith(PATH + "/")) {
            plain(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "OCSP takes POST " + PATH + " or GET " + PATH + "/...");
            return;
        } else {
            plain(ctx, HttpResponseStatus.NOT_FOUND, "this listener answers OCSP requests at " + PATH);
            return;
        }
        byte[] asked = der;
        try {
            worker.execute(() -> {
                byte[] answer;
                try {
                    answer = responder.respond(asked);
                } catch (RuntimeException e) {
                    long incident = System.nanoTime();
                    System.getLogger("citadel.mef")
                            .log(System.Logger.Level.ERROR, "OCSP answer failed (incident " + incident + ")", e);
                    ctx.executor()
                            .execute(() -> plain(
                                    ctx,
                                    HttpResponseStatus.INTERNAL_SERVER_ERROR,
                                    "the OCSP answer could not be made (incident " + incident + ")"));
                    return;
                }
                FullHttpResponse response =
                        HttpAnswers.response(HttpResponseStatus.OK, "application/ocsp-response", answer);
                response.headers().remove("Content-Transfer-Encoding"); // binary DER, not base64
                ctx.executor().execute(() -> HttpAnswers.write(ctx, response, keepAlive));
            });
        } catch (RejectedExecutionException busy) {
            plain(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "the MEF is busy; retry later");
        }
    }

    private static void plain(ChannelHandlerContext ctx, HttpResponseStatus status, String text) {
        HttpAnswers.write(ctx, HttpAnswers.response(status, "text/plain", HttpAnswers.text(text)), false);
    }
}
