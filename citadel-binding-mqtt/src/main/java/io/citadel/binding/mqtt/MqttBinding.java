package io.citadel.binding.mqtt;

import io.citadel.client.mqtt.NoDelaySocketFactory;
import io.citadel.credentials.SecurityAssociation;
import io.citadel.engine.hierarchy.OutboundRequests;
import io.citadel.engine.pipeline.InboundPort;
import io.citadel.engine.pipeline.PendingResponses;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.binding.MqttTopics;
import io.citadel.protocol.codec.ContentCodec;
import io.citadel.protocol.codec.PrimitiveCodec;
import io.citadel.protocol.codec.Serialization;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The oneM2M MQTT binding (TS-0010): the CSE is a client of a broker (Mosquitto), subscribed to the
 * request topics addressed to it and to the responses for its own requests. A request's {@code From}
 * must be the originator its topic names: the broker authenticated the publisher and its ACL let it
 * publish only under its own name, so the topic level is the authenticated identity (TS-0010 §6.3, the
 * binding's security model), handed to the engine as the request's security association. First
 * registrations come on {@code reg_req/<Credential-ID>} without one. Requests the CSE sends (notifications
 * to an entity whose point of access is this broker) go to {@code /oneM2M/req/<cse>/<entity>/json} and
 * are matched with their responses by request identifier. The Paho client reconnects by itself and
 * the subscriptions are renewed on every (re)connection.
 */
public final class MqttBinding implements OutboundRequests, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("citadel.mqtt");
    private static final int QOS = 1;
    private static final int MAX_PENDING = 4096;
    private final InboundPort port;
    private final MqttSettings settings;
    private final UnaryOperator<String> normalize;
    private final String self;
    private final MqttAsyncClient client;
    private final PendingResponses pending = new PendingResponses(MAX_PENDING);

    /**
     * @param port where decoded requests go (the caller opens it with the pool size of {@code settings} and
     *     closes it after this binding)
     * @param cseId this CSE's CSE-ID, which names its topics
     */
    public MqttBinding(InboundPort port, String cseId, MqttSettings settings, UnaryOperator<String> normalize) {
        this.port = port;
        this.settings = settings;
        this.normalize = normalize;
        this.self = MqttTopics.idToTopic(cseId);
        try {
            this.client = new MqttAsyncClient(settings.clientUri(), "C::" + self, new MemoryPersistence());
            client.setCallback(new Callback());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(false);
            options.setAutomaticReconnect(true);
            options.setKeepAliveInterval(30);
            options.setConnectionTimeout(10);
            options.setMaxInflight(1000);
            options.setMaxReconnectDelay(5000);
            if (settings.username() != null) {
                options.setUserName(settings.username());
            }
            if (settings.password() != null) {
                options.setPassword(settings.password());
            }
            options.setSocketFactory(settings.sockets() != null ? settings.sockets() : new NoDelaySocketFactory());
            client.connect(options).waitForCompletion(15_000);
            if (settings.password() != null) {
                Arrays.fill(settings.password(), '\0');
            }
        } catch (MqttException e) {
            throw new IllegalStateException(
                    "cannot connect to the MQTT broker " + settings.brokerUri() + ": " + e.getMessage(), e);
        }
    }

    /** The broker this CSE is a client of. */
    public String brokerUri() {
        return settings.brokerUri();
    }

    private void subscribe() {
        String[] topics = {
            "/oneM2M/req/+/" + self + "/#", "/oneM2M/resp/" + self + "/+/#", "/oneM2M/reg_req/+/" + self + "/#"
        };
        try {
            client.subscribe(topics, new int[] {QOS, QOS, QOS});
        } catch (MqttException e) {
            LOG.log(Level.WARNING, "cannot subscribe to the oneM2M topics: " + e.getMessage());
        }
    }

    private void arrived(String topicName, byte[] payload) {
        MqttTopics.Topic topic = MqttTopics.parse(topicName).orElse(null);
        if (topic == null || !(topic.kind().equals("resp") ? topic.originator() : topic.receiver()).equals(self)) {
            return; // not addressed to this CSE
        }
        if (topic.kind().equals("resp")) {
            response(payload, topic.receiver(), topic.serialization());
            return;
        }
        boolean registration = topic.kind().equals("reg_req");
        String answerTopic =
                MqttTopics.topic(registration ? "reg_resp" : "resp", topic.originator(), self, topic.serialization());
        if (payload.length > settings.maxMessageBytes()) {
            publish(
                    answerTopic,
                    ResponsePrimitive.error(
                            ResponseStatusCode.BAD_REQUEST,
                            null,
                            null,
                            "the message exceeds " + settings.maxMessageBytes() + " bytes"),
                    null,
                    topic.serialization());
            return;
        }
        Instant now = Instant.now();
        Map<String, Object> document;
        RequestPrimitive request;
        try {
            document = PrimitiveCodec.document(payload, topic.serialization());
            if (PrimitiveCodec.isResponse(document)) {
                return;
            }
        } catch (OneM2mException e) {
            publish(
                    answerTopic,
                    ResponsePrimitive.error(e.status(), null, null, e.getMessage()),
                    null,
                    topic.serialization());
            return;
        }
        String rqi = document.get("rqi") instanceof String s ? s : null;
        String rvi = document.get("rvi") instanceof String s ? s : null;
        try {
            request = PrimitiveCodec.decodeRequest(document, now);
        } catch (OneM2mException e) {
            publish(
                    answerTopic,
                    ResponsePrimitive.error(e.status(), rqi, rvi, e.getMessage()),
                    null,
                    topic.serialization());
            return;
        }
        SecurityAssociation association = registration
                ? null
                : new SecurityAssociation(
                        "mqtt-topic:" + topic.originator(),
                        Set.of(normalize.apply(MqttTopics.topicToId(topic.originator()))));
        RequestContext context = new RequestContext(
                "unknown", association, ContentCodec.of(topic.serialization()).isTextual(), now);
        port.submit(request, context, rsp -> publish(answerTopic, rsp, request.from(), topic.serialization()));
    }

    /** An answer published on {@code /oneM2M/resp/<this CSE>/<responder>/...}: only the addressee's counts. */
    private void response(byte[] payload, String responder, Serialization serialization) {
        try {
            ResponsePrimitive rsp = PrimitiveCodec.decodeResponse(PrimitiveCodec.document(payload, serialization));
            if (!pending.complete(rsp, responder)) {
                LOG.log(Level.DEBUG, "ignoring a response that no request of ours to " + responder + " awaits");
            }
        } catch (OneM2mException e) {
            LOG.log(Level.DEBUG, "ignoring a malformed response: " + e.getMessage());
        }
    }

    private void publish(String topic, ResponsePrimitive rsp, String originator, Serialization serialization) {
        publish(topic, PrimitiveCodec.serialize(PrimitiveCodec.encode(rsp, originator), serialization));
    }

    private void publish(String topic, byte[] bytes) {
        try {
            MqttMessage m = new MqttMessage(bytes);
            m.setQos(QOS);
            client.publish(topic, m);
        } catch (MqttException e) {
            LOG.log(Level.WARNING, "cannot publish to " + topic + ": " + e.getMessage());
        }
    }

    /**
     * Sends to an entity reached through this broker ({@code mqtt://host:port} naming it, no path): the
     * request goes to {@code /oneM2M/req/<cse>/<entity>/json} and its response is awaited. A URI with a
     * path names the topic itself (a notificationURI, TS-0010 §6.6): the request is published there and
     * counts as delivered once the broker has it.
     */
    @Override
    public CompletableFuture<ResponsePrimitive> send(String uri, RequestPrimitive request, Duration timeout) {
        URI target;
        URI ours;
        try {
            target = URI.create(uri);
            ours = URI.create(settings.brokerUri());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (target.getHost() == null
                || !target.getHost().equalsIgnoreCase(ours.getHost())
                || port(target) != ours.getPort()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "only entities on the broker this CSE uses (" + settings.brokerUri() + ") are reachable: " + uri));
        }
        byte[] bytes = PrimitiveCodec.serialize(PrimitiveCodec.encode(request), Serialization.JSON);
        String path = target.getRawPath();
        if (path != null && path.length() > 1) {
            return CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            MqttMessage m = new MqttMessage(bytes);
                            m.setQos(QOS);
                            client.publish(path, m).waitForCompletion(timeout.toMillis());
                            return ResponsePrimitive.of(ResponseStatusCode.OK, request, null);
                        } catch (MqttException e) {
                            throw new IllegalStateException("cannot publish to " + path + ": " + e.getMessage(), e);
                        }
                    },
                    port.executor());
        }
        if (request.requestId() == null) {
            return CompletableFuture.failedFuture(
                    new IllegalArgumentException("a request without an identifier cannot be matched"));
        }
        String receiver = MqttTopics.idToTopic(request.to());
        CompletableFuture<ResponsePrimitive> answer = pending.expect(request, timeout, receiver);
        if (!answer.isDone()) {
            publish(MqttTopics.topic("req", self, receiver, Serialization.JSON), bytes);
        }
        return answer;
    }

    private static int port(URI u) {
        return u.getPort() > 0 ? u.getPort() : "mqtts".equalsIgnoreCase(u.getScheme()) ? 8883 : 1883;
    }

    @Override
    public void close() {
        try {
            client.disconnect().waitForCompletion(2000);
        } catch (MqttException e) {
            // closing anyway
        }
        try {
            client.close();
        } catch (MqttException e) {
            // closed
        }
    }

    private final class Callback implements MqttCallbackExtended {
        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            LOG.log(Level.INFO, (reconnect ? "reconnected" : "connected") + " to the MQTT broker " + serverURI);
            subscribe();
        }

        @Override
        public void connectionLost(Throwable cause) {
            LOG.log(Level.WARNING, "lost the MQTT broker (" + cause.getMessage() + "); reconnecting");
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            try {
                arrived(topic, message.getPayload());
            } catch (RuntimeException e) {
                LOG.log(
                        Level.WARNING,
                        "an MQTT message on " + topic + " could not be handled: "
                                + e.getClass().getSimpleName());
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // QoS 1 acknowledged
        }
    }
}
