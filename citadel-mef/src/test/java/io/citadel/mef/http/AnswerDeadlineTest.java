package io.citadel.mef.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A client that starts a request and never finishes it is cut off by the answer deadline, not only by idleness. */
class AnswerDeadlineTest {

    @Test
    void a_request_left_unfinished_is_closed_after_the_deadline_and_a_whole_one_is_answered() throws Exception {
        try (ServiceListener listener = new ServiceListener(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ch -> new ChannelInboundHandlerAdapter(),
                worker -> new io.citadel.mef.ocsp.OcspHttpHandler(null, worker),
                500)) {
            try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
                slow.setSoTimeout(20_000); // an upper bound: the deadline closes it long before
                slow.getOutputStream().write("GET /ocsp/x HTTP/1.1\r\nHost: m".getBytes(StandardCharsets.US_ASCII));
                InputStream in = slow.getInputStream();
                assertThat(in.read()).as("closed without an answer").isEqualTo(-1);
            }
            try (Socket whole = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
                whole.setSoTimeout(20_000);
                whole.getOutputStream()
                        .write("GET /other HTTP/1.1\r\nHost: m\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] answer = whole.getInputStream().readNBytes(12);
                assertThat(new String(answer, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 404");
            }
        }
    }
}
