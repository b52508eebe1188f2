package io.citadel.binding.http;

import static io.citadel.binding.http.TestListener.exchange;
import static io.citadel.binding.http.TestListener.header;
import static io.citadel.binding.http.TestListener.readToEnd;
import static io.citadel.binding.http.TestListener.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A body trickled after its head cannot hold a connection past the body deadline, however often a byte comes. */
class BodyDeadlineTest {
    @TempDir
    Path dataDir;

    private static String createHead(String rqi, int length) {
        return "POST /cse-in HTTP/1.1\r\nHost: localhost\r\nX-M2M-Origin: " + TestListener.ADMIN + "\r\nX-M2M-RI: "
                + rqi + "\r\nX-M2M-RVI: 3\r\nContent-Type: application/json;ty=3\r\nContent-Length: " + length
                + "\r\n\r\n";
    }

    @Test
    void a_body_that_stops_coming_is_cut_at_the_body_deadline_not_the_idle_timeout() throws Exception {
        // the idle timeout (120 s) would keep it; the body deadline (2 s) closes it
        try (TestListener listener = new TestListener(
                        dataDir, s -> s.withDeadlines(30, 30, 120).withBodyDeadline(2));
                Socket slow = listener.connect("127.0.0.3")) {
            send(slow, createHead("slow", 100) + "{\"m2m:cnt\":");
            assertThat(readToEnd(slow)).as("closed without an answer").isEmpty();
            try (Socket normal = listener.connect("127.0.0.4")) {
                String body = "{\"m2m:cnt\":{\"rn\":\"quick\"}}";
                assertThat(header(exchange(normal, createHead("quick", body.length()) + body), "X-M2M-RSC"))
                        .isEqualTo("2001");
            }
        }
    }
}
