package io.citadel.binding.http;

import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.codec.ContentCodec;
import io.citadel.protocol.codec.Serialization;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** Encodes a response primitive as HTTP (TS-0009 §6.3): status from the one status table, oneM2M headers. */
final class HttpResponses {
    private HttpResponses() {}

    static FullHttpResponse encode(ResponsePrimitive rsp, Serialization serialization) {
        byte[] body = rsp.content() == null
                ? new byte[0]
                : ContentCodec.of(serialization).encode(rsp.content());
        FullHttpResponse http = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(rsp.status().httpStatus()),
                Unpooled.wrappedBuffer(body));
        http.headers().set("X-M2M-RSC", rsp.status().code());
        if (rsp.requestId() != null) {
            http.headers().set("X-M2M-RI", rsp.requestId());
        }
        if (rsp.releaseVersion() != null) {
            http.headers().set("X-M2M-RVI", rsp.releaseVersion());
        }
        if (!rsp.assignedTokenIds().isEmpty()) {
            http.headers()
                    .set(
                            "X-M2M-ATI",
                            rsp.assignedTokenIds().entrySet().stream()
                                    .map(e -> e.getKey() + ":" + e.getValue())
                                    .collect(java.util.stream.Collectors.joining("+")));
        }
        if (rsp.contentLocation() != null) {
            http.headers().set(HttpHeaderNames.CONTENT_LOCATION, "/" + rsp.contentLocation());
        }
        if (body.length > 0) {
            http.headers().set(HttpHeaderNames.CONTENT_TYPE, serialization.mediaType());
        }
        http.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return http;
    }
}
