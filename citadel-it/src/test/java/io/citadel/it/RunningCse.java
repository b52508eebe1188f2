package io.citadel.it;

import io.citadel.client.OneM2mHttpClient;
import java.util.regex.Pattern;

/** A Citadel server a test talks to: in this JVM ({@link TestCse}) or in its own ({@link CseProcess}). */
public interface RunningCse extends AutoCloseable {

    /** The plain HTTP port. */
    int port();

    /** A client of the plain HTTP port. */
    OneM2mHttpClient client();

    /** What the server printed: for a process everything, for a server in this JVM its announced lines. */
    String output();

    /** The first group of an announced line matching {@code pattern} (a listener's port, say). */
    String awaitAnnounced(Pattern pattern) throws InterruptedException;

    @Override
    void close() throws InterruptedException;
}
