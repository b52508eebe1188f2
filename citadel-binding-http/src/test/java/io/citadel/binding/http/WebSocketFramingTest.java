package io.citadel.binding.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.engine.hierarchy.EntityConnections;
import io.citadel.engine.pipeline.InboundPort;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.PrimitiveCodec;
import io.citadel.protocol.codec.Serialization;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TS-0020 messages on one WebSocket connection, on an {@link EmbeddedChannel} with a stub engine: a frame that is
 * no primitive or a malformed request is answered with the oneM2M error (and its rqi when it had one), a request
 * is answered in the subprotocol's serialization and frame type, and the CSE's own requests are matched with their
 * responses by request identifier. The HTTP side and the handshake are HttpFramingTest's.
 */
class WebSocketFramingTest {
    private final BlockingQueue<RequestPrimitive> seen = new LinkedBlockingQueue<>();
    private final BlockingQueue<WebSocketFrame> written = new LinkedBlockingQueue<>();
    private final InboundPort port = InboundPort.open(
            (request, context) -> {
                seen.add(request);
                return ResponsePrimitive.of(ResponseStatusCode.OK, request, Map.of("m2m:dbg", "seen " + request.to()));
            },
            new EntityConnections(s -> s),
            "ws-test",
            1,
            16);
    private EmbeddedChannel channel;
    private WebSocketPrimitiveHandler handler;

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
        port.close();
        written.forEach(ReferenceCountUtil::release);
    }

    private void open(Serialization serialization) {
        String subprotocol = "oneM2M." + serialization.name().toLowerCase(java.util.Locale.ROOT);
        handler = new WebSocketPrimitiveHandler(
                port, new WebSocketServerHandshaker13("ws://localhost/", subprotocol, false, 65_536), serialization);
        channel = new EmbeddedChannel(
                new ChannelOutboundHandlerAdapter() {
                    @Override
                    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                        written.add((WebSocketFrame) msg); // the worker thread writes the engine's answers
                        promise.setSuccess();
                    }
                },
                handler);
    }

    private WebSocketFrame next() throws InterruptedException {
        WebSocketFrame frame = written.poll(5, TimeUnit.SECONDS);
        assertThat(frame).as("a frame written").isNotNull();
        return frame;
    }

    private Map<String, Object> nextPrimitive(Serialization serialization) throws InterruptedException {
        WebSocketFrame frame = next();
        assertThat(frame)
                .isInstanceOf(
                        serialization == Serialization.CBOR ? BinaryWebSocketFrame.class : TextWebSocketFrame.class);
        try {
            return PrimitiveCodec.document(ByteBufUtil.getBytes(frame.content()), serialization);
        } finally {
            frame.release();
        }
    }

    private void text(String message) {
        channel.writeInbound(new TextWebSocketFrame(message));
    }

    @SuppressWarnings("unchecked")
    private static String dbg(Map<String, Object> answer) {
        return String.valueOf(((Map<String, Object>) answer.get("pc")).get("m2m:dbg"));
    }

    @Test
    void a_message_that_is_not_a_primitive_gets_4000_without_rqi() throws Exception {
        open(Serialization.JSON);
        text("{\"op\": 2, \"rqi\": ");
        assertThat(nextPrimitive(Serialization.JSON))
                .containsEntry("rsc", 4000L)
                .doesNotContainKey("rqi");
        text("[{\"op\": 2}]");
        assertThat(nextPrimitive(Serialization.JSON)).containsEntry("rsc", 4000L);
        text("\"m2m:rqp\"");
        assertThat(nextPrimitive(Serialization.JSON)).containsEntry("rsc", 4000L);
        assertThat(seen).isEmpty();
    }

    @Test
    void a_malformed_request_gets_its_error_with_its_rqi_and_rvi() throws Exception {
        open(Serialization.JSON);
        text("{\"op\": 7, \"to\": \"cse-in\", \"fr\": \"Cae1\", \"rqi\": \"w1\", \"rvi\": \"3\"}");
        Map<String, Object> answer = nextPrimitive(Serialization.JSON);
        assertThat(answer)
                .containsEntry("rsc", 4000L)
                .containsEntry("rqi", "w1")
                .containsEntry("rvi", "3");
        assertThat(dbg(answer)).contains("op 7");

        text("{\"op\": 2, \"fr\": \"Cae1\", \"rqi\": \"w2\"}");
        assertThat(nextPrimitive(Serialization.JSON))
                .containsEntry("rsc", 4000L)
                .containsEntry("rqi", "w2");

        text("{\"op\": 2, \"to\": \"cse-in\", \"fr\": \"Cae1\", \"rqi\": \"w3\", \"da\": true}");
        assertThat(nextPrimitive(Serialization.JSON))
                .containsEntry("rsc", 5001L)
                .containsEntry("rqi", "w3");

        text("{\"op\": 2, \"to\": \"cse-in\", \"fr\": 42, \"rqi\": \"w4\"}");
        assertThat(nextPrimitive(Serialization.JSON))
                .containsEntry("rsc", 4000L)
                .containsEntry("rqi", "w4");
        assertThat(seen).isEmpty();
    }

    @Test
    void a_json_request_reaches_the_engine_and_is_answered_in_a_text_frame_to_its_originator() throws Exception {
        open(Serialization.JSON);
        text("{\"m2m:rqp\": {\"op\": 2, \"to\": \"/id-in/cse-in\", \"fr\": \"Cae1\", \"rqi\": \"j1\", \"rvi\": \"3\","
                + " \"rcn\": 1}}");
        Map<String, Object> answer = nextPrimitive(Serialization.JSON);
        assertThat(answer)
                .containsEntry("rsc", 2000L)
                .containsEntry("rqi", "j1")
                .containsEntry("rvi", "3")
                .containsEntry("to", "Cae1");
        assertThat(dbg(answer)).isEqualTo("seen /id-in/cse-in");
        RequestPrimitive request = seen.poll();
        assertThat(request.operation()).isEqualTo(Operation.RETRIEVE);
        assertThat(request.from()).isEqualTo("Cae1");
        assertThat(request.resultContent()).isEqualTo(1);
    }

    @Test
    void a_cbor_request_is_answered_in_a_binary_frame() throws Exception {
        open(Serialization.CBOR);
        byte[] cbor = PrimitiveCodec.serialize(
                PrimitiveCodec.encode(RequestPrimitive.builder(Operation.RETRIEVE, "cse-in")
                        .from("Cae1")
                        .requestId("c1")
                        .releaseVersion("3")
                        .build()),
                Serialization.CBOR);
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(cbor)));
        Map<String, Object> answer = nextPrimitive(Serialization.CBOR);
        assertThat(((Number) answer.get("rsc")).intValue()).isEqualTo(2000);
        assertThat(answer).containsEntry("rqi", "c1");
    }

    @Test
    void a_response_to_no_request_of_ours_is_dropped_silently() throws Exception {
        open(Serialization.JSON);
        text("{\"rsc\": 2000, \"rqi\": \"nobody\"}");
        text("{\"rsc\": 99, \"rqi\": \"nobody\"}");
        text("{\"op\": 2, \"to\": \"cse-in\", \"fr\": \"Cae1\", \"rqi\": \"marker\"}");
        assertThat(nextPrimitive(Serialization.JSON))
                .as("nothing before the marker's answer")
                .containsEntry("rqi", "marker");
        assertThat(seen).hasSize(1);
    }

    @Test
    void the_cses_request_completes_with_the_response_of_its_rqi_only() throws Exception {
        open(Serialization.JSON);
        RequestPrimitive notify = RequestPrimitive.builder(Operation.NOTIFY, "Cae1")
                .from("/id-in")
                .requestId("n1")
                .releaseVersion("3")
                .content(Map.of("m2m:sgn", Map.of("vrq", true)))
                .build();
        CompletableFuture<ResponsePrimitive> answer = handler.send(notify, Duration.ofSeconds(10));
        Map<String, Object> sent = nextPrimitive(Serialization.JSON);
        assertThat(sent).containsEntry("op", 5L).containsEntry("rqi", "n1").containsEntry("to", "Cae1");

        text("{\"rsc\": 2000, \"rqi\": \"n2\"}");
        text("{\"rsc\": 12345, \"rqi\": \"n1\"}"); // no such status: malformed, ignored
        assertThat(answer).isNotDone();
        text("{\"rsc\": 2000, \"rqi\": \"n1\"}");
        assertThat(answer.get(5, TimeUnit.SECONDS).status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(written).as("no answer to responses").isEmpty();
    }

    @Test
    void a_closed_connection_fails_the_waiting_request_and_refuses_new_ones() throws Exception {
        open(Serialization.JSON);
        RequestPrimitive notify = RequestPrimitive.builder(Operation.NOTIFY, "Cae1")
                .from("/id-in")
                .requestId("n3")
                .build();
        CompletableFuture<ResponsePrimitive> waiting = handler.send(notify, Duration.ofSeconds(10));
        next().release();
        channel.close();
        Throwable failed =
                Assertions.catchThrowableOfType(ExecutionException.class, () -> waiting.get(5, TimeUnit.SECONDS));
        assertThat(failed.getCause()).hasMessageContaining("closed");
        assertThat(handler.isOpen()).isFalse();
        assertThat(handler.send(notify, Duration.ofSeconds(1))).isCompletedExceptionally();
    }

    @Test
    void a_ping_is_answered_with_a_pong_of_the_same_data() throws Exception {
        open(Serialization.JSON);
        channel.writeInbound(new PingWebSocketFrame(Unpooled.copiedBuffer("p1", StandardCharsets.US_ASCII)));
        WebSocketFrame pong = next();
        try {
            assertThat(pong).isInstanceOf(PongWebSocketFrame.class);
            assertThat(pong.content().toString(StandardCharsets.US_ASCII)).isEqualTo("p1");
        } finally {
            pong.release();
        }
    }

    @Test
    void the_first_supported_subprotocol_offered_is_chosen() {
        assertThat(WebSocketSubprotocols.select(List.of("chat, oneM2M.cbor", "oneM2M.json")))
                .contains("oneM2M.cbor");
        assertThat(WebSocketSubprotocols.select(List.of("oneM2M.R2.0.xml"))).contains("oneM2M.R2.0.xml");
        assertThat(WebSocketSubprotocols.serialization("oneM2M.R2.0.xml")).isEqualTo(Serialization.XML);
        assertThat(WebSocketSubprotocols.select(List.of("oneM2M.yaml, onem2m.json", "")))
                .isEqualTo(Optional.empty());
    }
}
