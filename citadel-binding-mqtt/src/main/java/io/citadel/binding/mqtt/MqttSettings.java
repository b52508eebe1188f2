package io.citadel.binding.mqtt;

import javax.net.ssl.SSLSocketFactory;

/**
 * How the CSE reaches its broker.
 *
 * @param brokerUri {@code tcp://host:1883} or {@code ssl://host:8883}
 * @param username broker user name, or null
 * @param password broker password (copied; zeroed by the binding after connecting), or null
 * @param tls the socket factory for {@code ssl://} (trust anchors, client certificate), or null
 * @param maxMessageBytes the largest primitive accepted (TS-0010 advises keeping messages below 100 kB)
 * @param workerThreads threads running the engine
 */
public record MqttSettings(String brokerUri, String username, char[] password, SSLSocketFactory tls,
                           int maxMessageBytes, int workerThreads) {
}
