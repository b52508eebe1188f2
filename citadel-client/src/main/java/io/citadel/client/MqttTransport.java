package io.citadel.client;

import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.binding.MqttTopics;
import io.citadel.protocol.codec.PrimitiveCodec;
import io.citadel.protocol.codec.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The MQTT binding (TS-0010) for an AE: requests published to {@code /oneM2M/req/<from>/<cse>/json}
 * (a first registration without an AE-ID to {@code reg_req/<client>}), responses read from the matching
 * {@code resp} topics, requests from the CSE answered by {@link #receive}'s handler.
 */
public final class MqttTransport implements OneM2mTransport {
    private final MqttAsyncClient client;
    private final String broker;
    private final String cse;
    private final String credential;
    private final Map<String, CompletableFuture<ResponsePrimitive>> pending = new ConcurrentHashMap<>();
    private volatile Function<RequestPrimitive, ResponsePrimitive> handler;
    private final java.util.Set<String> subscribed = ConcurrentHashMap.newKeySet();

    private MqttTransport(String broker, String cseId, String clientId, String username, char[] password) {
        this.broker = broker;
        this.cse = MqttTopics.idToTopic(cseId);
        this.credential = clientId.replace(':', '-');
        try {
            client = new MqttAsyncClient(broker, clientId, new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            o.setConnectionTimeout(10);
            if (broker.startsWith("tcp:")) {
                o.setSocketFactory(new io.citadel.client.mqtt.NoDelaySocketFactory());
            }
            if (username != null) {
                o.setUserName(username);
            }
            if (password != null) {
                o.setPassword(password);
            }
            client.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                    pending.values().forEach(f -> f.completeExceptionally(cause));
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    CompletableFuture.runAsync(() -> arrived(topic, message.getPayload()));
                }

                @Override
                public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {}
            });
            client.connect(o).waitForCompletion(10_000);
        } catch (MqttException e) {
            throw new UncheckedIOException(
                    new IOException("MQTT connect to " + broker + " failed: " + e.getMessage(), e));
        }
    }

    /** Connects as {@code clientId} (TS-0010: {@code A::<AE-ID>}, any unique ID before registration). */
    public static MqttTransport connect(
            String brokerUri, String cseId, String clientId, String username, char[] password) {
        return new MqttTransport(brokerUri, cseId, clientId, username, password);
    }

    /** Subscribes to {@code topic}; false when the broker refused (e.g. its ACL). */
    public boolean subscribe(String topic) {
        try {
            var token = client.subscribe(topic, 1);
            token.waitForCompletion(5000);
            int[] granted = token.getGrantedQos();
            return granted.length > 0 && granted[0] != 0x80;
        } catch (MqttException e) {
            return false;
        }
    }

    /** Publishes raw bytes (for bad-input and ACL tests). */
    public void publish(String topic, byte[] payload) {
        try {
            MqttMessage m = new MqttMessage(payload);
            m.setQos(1);
            client.publish(topic, m).waitForCompletion(5000);
        } catch (MqttException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }

    @Override
    public ResponsePrimitive send(RequestPrimitive request, Duration timeout) {
        if (request.requestId() == null || request.requestId().isEmpty()) {
            throw new IllegalArgumentException(
                    "a request needs a request identifier (rqi) to be matched with its response");
        }
        String from = request.from();
        boolean registration = from == null || from.isEmpty() || from.equals("C") || from.equals("S");
        String self = registration ? credential : MqttTopics.idToTopic(from);
        String kind = registration ? "reg_req" : "req";
        String answers = MqttTopics.topic(registration ? "reg_resp" : "resp", self, cse, Serialization.JSON);
        if (subscribed.add(answers) && !subscribe(answers)) {
            subscribed.remove(answers);
        }
        CompletableFuture<ResponsePrimitive> answer = new CompletableFuture<>();
        pending.put(request.requestId(), answer);
        try {
            publish(
                    MqttTopics.topic(kind, self, cse, Serialization.JSON),
                    PrimitiveCodec.serialize(PrimitiveCodec.encode(request), Serialization.JSON));
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new UncheckedIOException(new IOException("no MQTT response to " + request.requestId() + ": " + e, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            pending.remove(request.requestId());
        }
    }

    private void arrived(String topicName, byte[] payload) {
        MqttTopics.Topic topic = MqttTopics.parse(topicName).orElse(null);
        if (topic == null) {
            return;
        }
        try {
            Map<String, Object> doc = PrimitiveCodec.document(payload, topic.serialization());
            if (PrimitiveCodec.isResponse(doc)) {
                ResponsePrimitive rsp = PrimitiveCodec.decodeResponse(doc);
                CompletableFuture<ResponsePrimitive> f = rsp.requestId() == null ? null : pending.get(rsp.requestId());
                if (f != null) {
                    f.complete(rsp);
                }
                return;
            }
            Function<RequestPrimitive, ResponsePrimitive> h = handler;
            if (h != null && topic.kind().equals("req")) {
                RequestPrimitive req = PrimitiveCodec.decodeRequest(doc, Instant.now());
                ResponsePrimitive rsp = h.apply(req);
                publish(
                        MqttTopics.topic("resp", topic.originator(), topic.receiver(), topic.serialization()),
                        PrimitiveCodec.serialize(PrimitiveCodec.encode(rsp, null), topic.serialization()));
            }
        } catch (OneM2mException e) {
            // not a primitive: ignore
        }
    }

    /** Answers the CSE's requests to any entity of this client; returns the broker URI as the point of access. */
    @Override
    public String receive(Function<RequestPrimitive, ResponsePrimitive> newHandler) {
        this.handler = newHandler;
        subscribe("/oneM2M/req/" + cse + "/+/json");
        return broker.replaceFirst("^tcp://", "mqtt://").replaceFirst("^ssl://", "mqtts://");
    }

    @Override
    public void close() {
        try {
            client.disconnect().waitForCompletion(2000);
            client.close();
        } catch (MqttException e) {
            // closing anyway
        }
    }
}
