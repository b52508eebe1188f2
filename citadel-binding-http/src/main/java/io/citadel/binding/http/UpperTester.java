package io.citadel.binding.http;

/**
 * The Upper Tester control interface (TS-0019 style): {@code POST /__ut__} with {@code X-M2M-UTCMD}.
 * Implemented by the server; the binding only carries it.
 */
public interface UpperTester {

    /** The answer to one command: whether it succeeded and the {@code X-M2M-UTRSP} value. */
    record Result(boolean ok, String response) {}

    Result execute(String command);
}
