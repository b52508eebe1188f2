package io.citadel.binding.mqtt;

import javax.net.SocketFactory;

/**
 * How the CSE reaches its broker.
 *
 * @param brokerUri {@code tcp://host:1883}, {@code ssl://host:8883}, or {@code psk://host:port} (TLS-PSK,
 *                  made by {@code sockets})
 * @param username broker user name, or null
 * @param password broker password (copied; zeroed by the binding after connecting), or null
 * @param sockets the socket factory for {@code ssl://} (trust anchors, client certificate) or {@code psk://}
 *                (the pre-shared key); null for plain TCP
 * @param maxMessageBytes the largest primitive accepted (TS-0010 advises keeping messages below 100 kB)
 * @param workerThreads threads running the engine
 */
public record MqttSettings(
        String brokerUri,
        String username,
        char[] password,
        SocketFactory sockets,
        int maxMessageBytes,
        int workerThreads) {

    /** The URI for Paho: a {@code psk://} broker is plain TCP to Paho, the TLS-PSK being in the socket. */
    String clientUri() {
        return brokerUri.startsWith("psk://") ? "tcp://" + brokerUri.substring("psk://".length()) : brokerUri;
    }
}
