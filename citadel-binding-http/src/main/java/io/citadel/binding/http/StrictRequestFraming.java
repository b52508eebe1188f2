package io.citadel.binding.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Queue;

/**
 * The HTTP/1.1 server codec with unambiguous message framing (RFC 9112 §6.3): a request with both
 * {@code Content-Length} and {@code Transfer-Encoding}, a {@code Transfer-Encoding} other than exactly
 * {@code chunked}, or any {@code Transfer-Encoding} on HTTP/1.0 is a decoding failure, so the request is
 * refused (400) and the connection closed before a byte after its head is read as another request.
 * Netty's own server codec would drop the {@code Content-Length} and read the body as chunked, which is
 * what lets a front end and this server disagree about where a request ends (request smuggling).
 * <p>
 * The decoder and the encoder are separate handlers (the WebSocket handshake replaces each on its own);
 * like Netty's server codec, they share the queue of request methods so a response to {@code HEAD} has
 * no body.
 */
final class StrictRequestFraming {
    private final Queue<HttpMethod> methods = new ArrayDeque<>();

    /** Refused framing; the message is ours and safe to send. */
    static final class AmbiguousFramingException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        AmbiguousFramingException(String message) {
            super(message, null);
        }
    }

    HttpRequestDecoder decoder(int maxInitialLine, int maxHeaderSize, int maxChunkSize) {
        return new Decoder(maxInitialLine, maxHeaderSize, maxChunkSize);
    }

    HttpResponseEncoder encoder() {
        return new Encoder();
    }

    /** Why {@code message}'s framing is refused, or null when it is unambiguous. */
    static String refusal(HttpMessage message) {
        List<String> codings = message.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (codings.isEmpty()) {
            return null;
        }
        if (message.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            return "a request must not carry both Content-Length and Transfer-Encoding";
        }
        if (!HttpVersion.HTTP_1_1.equals(message.protocolVersion())) {
            return "Transfer-Encoding needs HTTP/1.1";
        }
        if (codings.size() != 1
                || !codings.get(0).strip().toLowerCase(Locale.ROOT).equals("chunked")) {
            return "the only Transfer-Encoding accepted is chunked";
        }
        return null;
    }

    private final class Decoder extends HttpRequestDecoder {
        Decoder(int maxInitialLine, int maxHeaderSize, int maxChunkSize) {
            super(maxInitialLine, maxHeaderSize, maxChunkSize);
        }

        /** Netty asks this once per head, with the headers as received; a throw makes the request invalid. */
        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            String refusal = refusal(msg);
            if (refusal != null) {
                throw new AmbiguousFramingException(refusal);
            }
            return super.isContentAlwaysEmpty(msg);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, io.netty.buffer.ByteBuf buffer, List<Object> out)
                throws Exception {
            int before = out.size();
            super.decode(ctx, buffer, out);
            for (int i = before; i < out.size(); i++) {
                if (out.get(i) instanceof HttpRequest request) {
                    methods.add(request.method());
                }
            }
        }
    }

    private final class Encoder extends HttpResponseEncoder {
        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            HttpMethod method = msg.status().codeClass() == HttpStatusClass.INFORMATIONAL ? null : methods.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
        }
    }
}
