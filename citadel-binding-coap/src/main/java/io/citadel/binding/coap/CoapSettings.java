package io.citadel.binding.coap;

/**
 * Where and how the CoAP binding listens.
 *
 * @param host the interface for both endpoints
 * @param port UDP port for plain CoAP, 0 for any, null for none
 * @param securePort UDP port for CoAP over DTLS, 0 for any, null for none
 * @param maxBodyBytes the largest request payload, also reassembled from Block1 transfers
 * @param workerThreads threads running the engine
 */
public record CoapSettings(String host, Integer port, Integer securePort, int maxBodyBytes, int workerThreads) {}
