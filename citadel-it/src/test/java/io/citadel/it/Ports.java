package io.citadel.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Random;

/**
 * Free ports for servers a test starts on a port it chooses (a CSE process, a broker, a responder). Taken below the
 * kernel's ephemeral range (32768 and up on Linux): a port taken from that range and released can be handed to another
 * connection or listener of the other test JVM (which binds port 0 all the time) before the server binds it.
 */
final class Ports {
    private static final Random RANDOM = new Random();

    private Ports() {}

    /** A port between 20000 and 32000 that could be bound just now. */
    static int free() {
        for (int tries = 0; tries < 200; tries++) {
            int port = 20_000 + RANDOM.nextInt(12_000);
            try (ServerSocket s = new ServerSocket(port)) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port between 20000 and 32000");
    }
}
