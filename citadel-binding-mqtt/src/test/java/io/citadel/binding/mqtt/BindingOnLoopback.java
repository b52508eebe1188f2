package io.citadel.binding.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.engine.hierarchy.EntityConnections;
import io.citadel.engine.pipeline.InboundPort;
import io.citadel.engine.pipeline.PrimitiveHandler;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.PrimitiveCodec;
import io.citadel.protocol.codec.Serialization;
import io.citadel.security.OriginatorIds;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * One {@link MqttBinding} of the CSE {@code /id-in} connected to a {@link LoopbackBroker}, with a recording engine
 * on one worker thread (requests run in the order the binding submitted them), shared by the tests of a class. Messages up to 2048 bytes.
 */
final class BindingOnLoopback implements AutoCloseable {
    static final int MAX_MESSAGE = 2048;
    static final OriginatorIds IDS = new OriginatorIds("/id-in", "//citadel.example");

    /** A request the binding handed to the engine, with its context. */
    record Seen(RequestPrimitive request, RequestContext context) {}

    final LoopbackBroker broker;
    final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    private final InboundPort port;
    final MqttBinding binding;
    /** The engine's default answer: 2000 with the target in m2m:dbg. */
    static final PrimitiveHandler ECHO = (request, context) ->
            ResponsePrimitive.of(ResponseStatusCode.OK, request, Map.of("m2m:dbg", "seen " + request.to()));
    /** What the engine answers. */
    volatile PrimitiveHandler engine = ECHO;

    BindingOnLoopback() throws IOException, InterruptedException {
        broker = new LoopbackBroker();
        port = InboundPort.open(
                (request, context) -> {
                    seen.add(new Seen(request, context));
                    return engine.handle(request, context);
                },
                new EntityConnections(UnaryOperator.identity()),
                "mqtt-test",
                1,
                64);
        binding = new MqttBinding(
                port, "/id-in", new MqttSettings(broker.uri(), null, null, null, MAX_MESSAGE, 1), IDS::normalize);
        assertThat(broker.subscribed.await(5, TimeUnit.SECONDS))
                .as("the binding subscribed")
                .isTrue();
    }

    /** Forgets what earlier tests left: requests seen, messages published, another engine. */
    void reset() {
        seen.clear();
        broker.drain();
        engine = ECHO;
    }

    /** The next message the binding published: on {@code topic}, decoded as {@code serialization}. */
    Map<String, Object> answer(String topic, Serialization serialization) throws InterruptedException {
        LoopbackBroker.Published p = broker.next(5);
        assertThat(p).as("an answer on " + topic).isNotNull();
        assertThat(p.topic()).isEqualTo(topic);
        return PrimitiveCodec.document(p.payload(), serialization);
    }

    @Override
    public void close() throws IOException {
        binding.close();
        port.close();
        broker.close();
    }
}
