package io.citadel.binding.http;

import static io.citadel.binding.http.TestListener.exchange;
import static io.citadel.binding.http.TestListener.header;
import static io.citadel.binding.http.TestListener.readToEnd;
import static io.citadel.binding.http.TestListener.retrieve;
import static io.citadel.binding.http.TestListener.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14, defects 13 and 5, over raw sockets: a request whose framing is ambiguous (RFC 9112 §6.3) is
 * refused with 400 / 4000 and the connection closed, so the request hidden after it is never answered;
 * every refusal the HTTP layer makes itself carries {@code X-M2M-RSC} and the request's {@code X-M2M-RI}.
 */
class HttpFramingTest {
    @TempDir
    static Path dataDir;

    static TestListener listener;

    @BeforeAll
    static void start() throws Exception {
        listener = new TestListener(dataDir, s -> s);
    }

    @AfterAll
    static void stop() {
        listener.close();
    }

    /** A POST whose body, read one way, is empty and, read the other way, holds a second request. */
    private static String smuggling(String framingHeaders) {
        return "POST /cse-in HTTP/1.1\r\nHost: localhost\r\nX-M2M-Origin: " + TestListener.ADMIN
                + "\r\nX-M2M-RI: outer\r\nX-M2M-RVI: 3\r\nContent-Type: application/json\r\n" + framingHeaders
                + "\r\n0\r\n\r\n" + retrieve("smuggled");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
                "Transfer-Encoding: chunked, identity\r\n",
                "Transfer-Encoding: gzip\r\n",
                "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n",
                "Transfer-Encoding: chunked, chunked\r\n",
            })
    void ambiguous_framing_is_refused_and_the_hidden_request_never_answered(String framing) throws Exception {
        try (Socket s = listener.connect("127.0.0.1")) {
            send(s, smuggling(framing));
            String all = readToEnd(s);
            assertThat(all)
                    .as("exactly one answer, then the connection closes")
                    .startsWith("HTTP/1.1 400 ")
                    .doesNotContain("smuggled");
            assertThat(all.split("HTTP/1.1 ", -1)).hasSize(2);
            assertThat(header(all, "X-M2M-RSC")).isEqualTo("4000");
            assertThat(header(all, "X-M2M-RI")).isEqualTo("outer");
            assertThat(all).contains("Transfer-Encoding").doesNotContain("Exception");
        }
    }

    @Test
    void an_oversized_body_is_answered_and_the_rest_of_it_dropped_without_a_reset() throws Exception {
        try (Socket client = listener.connect("127.0.0.4")) {
            int length = 300_000; // far above the listener's 4096-byte limit
            send(
                    client,
                    "POST /cse-in HTTP/1.1\r\nHost: localhost\r\nX-M2M-Origin: " + TestListener.ADMIN
                            + "\r\nX-M2M-RI: big\r\nX-M2M-RVI: 3\r\nContent-Type: application/json;ty=2\r\n"
                            + "Content-Length: " + length + "\r\n\r\n");
            byte[] chunk = new byte[8192];
            java.util.Arrays.fill(chunk, (byte) 'x');
            client.getOutputStream().write(chunk);
            client.getOutputStream().flush();
            // the answer comes before the body is complete
            java.io.InputStream in = client.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().contains("request body exceeds")) {
                int b = in.read();
                assertThat(b).as(head.toString()).isNotNegative();
                head.append((char) b);
            }
            assertThat(head.toString()).contains("X-M2M-RSC: 4000");
            // the client goes on sending its body: read and dropped, never answered with a reset
            for (int sent = chunk.length; sent < length; sent += chunk.length) {
                client.getOutputStream().write(chunk, 0, Math.min(chunk.length, length - sent));
            }
            client.getOutputStream().flush();
            byte[] rest = in.readAllBytes(); // the rest of the answer, then end of stream (no SocketException)
            assertThat(new String(rest, java.nio.charset.StandardCharsets.ISO_8859_1))
                    .doesNotContain("HTTP/1.1");
        }
    }

    @Test
    void transfer_encoding_on_http_1_0_is_refused() throws Exception {
        try (Socket s = listener.connect("127.0.0.1")) {
            send(s, smuggling("Transfer-Encoding: chunked\r\n").replaceFirst("HTTP/1.1", "HTTP/1.0"));
            String all = readToEnd(s);
            assertThat(all).contains(" 400 ").doesNotContain("smuggled");
            assertThat(header(all, "X-M2M-RSC")).isEqualTo("4000");
        }
    }

    @Test
    void plain_chunked_requests_still_work_on_a_kept_alive_connection() throws Exception {
        try (Socket s = listener.connect("127.0.0.1")) {
            String chunked = "POST /cse-in HTTP/1.1\r\nHost: localhost\r\nX-M2M-Origin: " + TestListener.ADMIN
                    + "\r\nX-M2M-RI: c1\r\nX-M2M-RVI: 3\r\nContent-Type: application/json;ty=2\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n"
                    + "2b\r\n{\"m2m:ae\":{\"api\":\"Nchunk\",\"rr\":false,\"srv\":\r\n7\r\n[\"3\"]}}\r\n0\r\n\r\n";
            String first = exchange(s, chunked);
            assertThat(header(first, "X-M2M-RI")).isEqualTo("c1");
            assertThat(header(first, "X-M2M-RSC")).as(first).isEqualTo("2001");
            String second = exchange(s, retrieve("c2"));
            assertThat(header(second, "X-M2M-RSC")).isEqualTo("2000");
            assertThat(header(second, "X-M2M-RI")).isEqualTo("c2");
        }
    }

    @Test
    void an_oversized_body_announced_with_expect_100_continue_gets_a_onem2m_error() throws Exception {
        try (Socket s = listener.connect("127.0.0.1")) {
            send(
                    s,
                    "POST /cse-in HTTP/1.1\r\nHost: localhost\r\nX-M2M-Origin: " + TestListener.ADMIN
                            + "\r\nX-M2M-RI: big1\r\nX-M2M-RVI: 3\r\nContent-Type: application/json;ty=2\r\n"
                            + "Content-Length: 100000\r\nExpect: 100-continue\r\n\r\n");
            String all = readToEnd(s);
            assertThat(all).doesNotContain("413").doesNotContain("100 Continue");
            assertThat(header(all, "X-M2M-RSC")).as(all).isEqualTo("4000");
            assertThat(header(all, "X-M2M-RI")).isEqualTo("big1");
            assertThat(all).contains("exceeds");
        }
    }

    @Test
    void curl_sending_an_oversized_body_gets_a_onem2m_error() throws Exception {
        Path body = dataDir.resolve("big.json");
        java.nio.file.Files.writeString(body, "{\"m2m:ae\":{\"api\":\"N" + "x".repeat(10_000) + "\"}}");
        Process curl = new ProcessBuilder(
                        "curl",
                        "-s",
                        "-i",
                        "--max-time",
                        "30",
                        "-H",
                        "Expect: 100-continue",
                        "-H",
                        "X-M2M-Origin: " + TestListener.ADMIN,
                        "-H",
                        "X-M2M-RI: curl1",
                        "-H",
                        "X-M2M-RVI: 3",
                        "-H",
                        "Content-Type: application/json;ty=2",
                        "--data-binary",
                        "@" + body,
                        "http://127.0.0.1:" + listener.port() + "/cse-in")
                .redirectErrorStream(true)
                .start();
        String out = new String(curl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        curl.waitFor();
        assertThat(header(out, "X-M2M-RSC")).as(out).isEqualTo("4000");
        assertThat(header(out, "X-M2M-RI")).isEqualTo("curl1");
        assertThat(out).contains("exceeds");
    }

    @Test
    void an_unsupported_expectation_gets_a_onem2m_error() throws Exception {
        try (Socket s = listener.connect("127.0.0.1")) {
            send(
                    s,
                    "POST /cse-in HTTP/1.1\r\nHost: localhost\r\nX-M2M-Origin: " + TestListener.ADMIN
                            + "\r\nX-M2M-RI: exp1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                            + "Expect: 200-ok\r\n\r\n");
            String all = readToEnd(s);
            assertThat(header(all, "X-M2M-RSC")).as(all).isEqualTo("4000");
            assertThat(header(all, "X-M2M-RI")).isEqualTo("exp1");
        }
    }

    @Test
    void an_oversized_body_without_expect_gets_a_onem2m_error() throws Exception {
        try (Socket s = listener.connect("127.0.0.1")) {
            send(
                    s,
                    "POST /cse-in HTTP/1.1\r\nHost: localhost\r\nX-M2M-Origin: " + TestListener.ADMIN
                            + "\r\nX-M2M-RI: big2\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n"
                            + "x".repeat(5000));
            String all = readToEnd(s);
            assertThat(header(all, "X-M2M-RSC")).as(all).isEqualTo("4000");
            assertThat(header(all, "X-M2M-RI")).isEqualTo("big2");
        }
    }

    @Test
    void headers_too_large_get_a_onem2m_error_with_our_message() throws Exception {
        try (Socket s = listener.connect("127.0.0.1")) {
            send(
                    s,
                    "GET /cse-in HTTP/1.1\r\nHost: localhost\r\nX-M2M-RI: huge\r\nX-Padding: " + "p".repeat(20_000)
                            + "\r\n\r\n");
            String all = readToEnd(s);
            // the head was refused before X-M2M-RI was read, so only the status can be given
            assertThat(header(all, "X-M2M-RSC")).as(all).isEqualTo("4000");
            assertThat(all).contains("too large").doesNotContain("Exception").doesNotContain("16384");
        }
    }

    @Test
    void a_head_request_gets_a_status_and_no_body() throws Exception {
        try (Socket s = listener.connect("127.0.0.1")) {
            send(s, retrieve("h1").replaceFirst("GET", "HEAD") + retrieve("h2"));
            String both = readToEndOfSecondResponse(s);
            String first = both.substring(0, both.indexOf("\r\n\r\n") + 4);
            assertThat(header(first, "X-M2M-RSC")).isEqualTo("4005");
            assertThat(header(first, "X-M2M-RI")).isEqualTo("h1");
            assertThat(both.substring(first.length()))
                    .as("no body after the HEAD answer")
                    .startsWith("HTTP/1.1 200 ");
        }
    }

    private static String readToEndOfSecondResponse(Socket s) throws java.io.IOException {
        java.io.InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.read());
        }
        return head + TestListener.readResponse(in);
    }

    @Test
    void a_websocket_handshake_of_an_unknown_version_still_carries_a_status() throws Exception {
        try (Socket s = listener.connect("127.0.0.1")) {
            send(
                    s,
                    "GET / HTTP/1.1\r\nHost: localhost\r\nX-M2M-RI: ws1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99\r\n"
                            + "Sec-WebSocket-Protocol: oneM2M.R2.0.json\r\n\r\n");
            String answer = TestListener.readResponse(s.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 426");
            assertThat(header(answer, "X-M2M-RSC")).isEqualTo("4000");
            assertThat(header(answer, "X-M2M-RI")).isEqualTo("ws1");
        }
    }
}
