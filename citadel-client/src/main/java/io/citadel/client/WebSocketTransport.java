package io.citadel.client;

import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.PrimitiveCodec;
import io.citadel.protocol.codec.Serialization;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * The WebSocket binding (TS-0020) for an AE: one connection, subprotocol {@code oneM2M.json} or
 * {@code oneM2M.cbor}; requests from the CSE on the same socket are answered by the handler given to
 * {@link #receive}.
 */
public final class WebSocketTransport implements OneM2mTransport {
    private final Serialization serialization;
    private final Map<String, CompletableFuture<ResponsePrimitive>> pending = new ConcurrentHashMap<>();
    private final WebSocket socket;
    private volatile Function<RequestPrimitive, ResponsePrimitive> handler;
    private final Object sendLock = new Object();

    private WebSocketTransport(URI uri, Serialization serialization, SSLContext tls) {
        this.serialization = serialization;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (tls != null) {
            b.sslContext(tls);
        }
        try {
            this.socket = b.build()
                    .newWebSocketBuilder()
                    .subprotocols("oneM2M." + serialization.name().toLowerCase(java.util.Locale.ROOT))
                    .connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(uri, new Listener())
                    .get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new UncheckedIOException(new IOException("WebSocket to " + uri + " failed: " + e.getMessage(), e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code ws://host:port/} or {@code wss://host:port/} (then with {@code tls}). */
    public static WebSocketTransport connect(URI uri, Serialization serialization, SSLContext tls) {
        return new WebSocketTransport(uri, serialization, tls);
    }

    /** The subprotocol the server picked. */
    public String subprotocol() {
        return socket.getSubprotocol();
    }

    @Override
    public ResponsePrimitive send(RequestPrimitive request, Duration timeout) {
        if (request.requestId() == null || request.requestId().isEmpty()) {
            throw new IllegalArgumentException(
                    "a request needs a request identifier (rqi) to be matched with its response");
        }
        CompletableFuture<ResponsePrimitive> answer = new CompletableFuture<>();
        pending.put(request.requestId(), answer);
        try {
            write(PrimitiveCodec.encode(request));
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new UncheckedIOException(new IOException("no response to " + request.requestId() + ": " + e, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            pending.remove(request.requestId());
        }
    }

    /** Sends raw bytes as one message (for bad-input tests). */
    public void sendRaw(byte[] message) {
        synchronized (sendLock) {
            (serialization == Serialization.CBOR
                            ? socket.sendBinary(ByteBuffer.wrap(message), true)
                            : socket.sendText(new String(message, StandardCharsets.UTF_8), true))
                    .join();
        }
    }

    private void write(Map<String, Object> primitive) {
        sendRaw(PrimitiveCodec.serialize(primitive, serialization));
    }

    private void message(byte[] bytes) {
        Map<String, Object> doc;
        try {
            doc = PrimitiveCodec.document(bytes, serialization);
        } catch (OneM2mException e) {
            return;
        }
        if (PrimitiveCodec.isResponse(doc)) {
            ResponsePrimitive rsp = PrimitiveCodec.decodeResponse(doc);
            CompletableFuture<ResponsePrimitive> f = rsp.requestId() == null ? null : pending.get(rsp.requestId());
            if (f != null) {
                f.complete(rsp);
            } else if (rsp.requestId() == null && pending.size() == 1) {
                pending.values().forEach(w -> w.complete(rsp)); // an error the CSE could not attribute
            }
            return;
        }
        Function<RequestPrimitive, ResponsePrimitive> h = handler;
        RequestPrimitive req;
        try {
            req = PrimitiveCodec.decodeRequest(doc, Instant.now());
        } catch (OneM2mException e) {
            return;
        }
        ResponsePrimitive rsp = h == null
                ? ResponsePrimitive.error(
                        ResponseStatusCode.NOT_IMPLEMENTED, req.requestId(), req.releaseVersion(), "no receiver")
                : h.apply(req);
        write(PrimitiveCodec.encode(rsp, null));
    }

    @Override
    public String receive(Function<RequestPrimitive, ResponsePrimitive> handler) {
        this.handler = handler;
        return null;
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            socket.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            return onBytes(ws, data.toString().getBytes(StandardCharsets.UTF_8), last);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            return onBytes(ws, b, last);
        }

        private CompletionStage<?> onBytes(WebSocket ws, byte[] b, boolean last) {
            partial.writeBytes(b);
            if (last) {
                byte[] whole = partial.toByteArray();
                partial.reset();
                CompletableFuture.runAsync(() -> message(whole));
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            pending.values()
                    .forEach(f -> f.completeExceptionally(new IOException("closed: " + statusCode + " " + reason)));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
        }
    }
}
