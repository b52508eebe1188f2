package io.citadel.client.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server that sends its headers and then stalls, or sends more than allowed, is cut off: the device's thread is
 * never held past the deadline (it does renewals too).
 */
class BoundedDownloadTest {
    ServerSocket server;
    final CountDownLatch release = new CountDownLatch(1);
    volatile String answer;
    volatile byte[] then = new byte[0];

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread t = new Thread(
                () -> {
                    while (!server.isClosed()) {
                        try {
                            Socket s = server.accept();
                            String a = answer;
                            byte[] b = then;
                            Thread one = new Thread(() -> serve(s, a, b), "stalling-connection");
                            one.setDaemon(true);
                            one.start();
                        } catch (IOException e) {
                            return;
                        }
                    }
                },
                "stalling-server");
        t.setDaemon(true);
        t.start();
    }

    void serve(Socket s, String head, byte[] body) {
        try (s) {
            s.getInputStream().read(new byte[4096]);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            release.await(); // stalls until the test ends
        } catch (IOException | InterruptedException e) {
            // the test ended
        }
    }

    @AfterEach
    void stop() throws IOException {
        release.countDown();
        server.close();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/image");
    }

    @Test
    void headers_then_silence_is_cut_off_at_the_deadline() {
        answer = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n";
        then = new byte[10];
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        assertThatThrownBy(() -> BoundedDownload.fetch(
                        HttpClient.newHttpClient(), uri(), "the image", 1 << 20, Duration.ofSeconds(1), b -> {
                            byte[] x = new byte[b.remaining()];
                            b.get(x);
                            got.write(x, 0, x.length);
                        }))
                .isInstanceOf(IOException.class)
                .hasMessage("the image did not arrive within 1 s");
    }

    @Test
    void more_than_the_bound_is_refused_and_a_refusal_status_is_reported() throws Exception {
        answer = "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n";
        then = new byte[5000];
        assertThatThrownBy(() -> BoundedDownload.fetch(
                        HttpClient.newHttpClient(), uri(), "the image", 1000, Duration.ofSeconds(30), b -> {}))
                .isInstanceOf(IOException.class)
                .hasMessage("the image is over 1000 bytes");
        answer = "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\n";
        then = "no!".getBytes(StandardCharsets.US_ASCII);
        int[] kept = {0};
        assertThat(BoundedDownload.fetch(
                        HttpClient.newHttpClient(), uri(), "the image", 1000, Duration.ofSeconds(30), b -> kept[0]++))
                .isEqualTo(404);
        assertThat(kept[0]).as("a refusal's body is not kept").isZero();
    }
}
