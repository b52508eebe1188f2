package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed oneM2M CoAP options (issue 14, defect 17, CoAP part), sent with coap-client-openssl: the answer is
 * 4.00 with a short message of ours, and the log gets one line naming the cause, never a stack trace.
 */
class CoapMalformedOptionsTest {
    @TempDir
    static Path data;

    static CseProcess cse;
    static int coapPort;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("libcoap3-bin", "sh", "-c", "command -v coap-client-openssl");
        cse = CseProcess.start(data, "--coap-port", "0");
        coapPort = Integer.parseInt(cse.awaitAnnounced(Pattern.compile("CoAP listening on udp port (\\d+)")));
    }

    @AfterAll
    static void stop() throws Exception {
        cse.close();
    }

    /** coap-client-openssl with {@code options} (each "-O n,value") against the CSEBase; the response code and payload. */
    static String[] coap(String... options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("coap-client-openssl", "-v", "7", "-B", "5", "-m", "get"));
        for (String o : options) {
            cmd.addAll(List.of("-O", o));
        }
        cmd.add("coap://127.0.0.1:" + coapPort + "/cse-in");
        String out = CoapClientRun.run(cmd);
        Matcher m = Pattern.compile(
                        "v:1 t:(?:ACK|CON|NON|RST) c:(\\d\\.\\d\\d) i:\\w+ \\{[0-9A-Fa-f]*\\} \\[[^\\]]*\\]( :: '(.*)')?")
                .matcher(out);
        String[] last = {"none", "", out};
        while (m.find()) {
            if (!m.group(1).equals("0.00")) {
                last = new String[] {m.group(1), m.group(3) == null ? "" : m.group(3), out};
            }
        }
        return last;
    }

    @Test
    void malformed_options_get_a_short_400_and_one_log_line_without_a_stack_trace() throws Exception {
        List<String[]> cases = List.of(
                new String[] {"279,Cx", "283,r1", "271,3", "267,\u0001\u0002\u0003\u0004"
                }, // TY longer than its 2 bytes
                new String[] {"279,Cx", "283,r2", "271,123456789"}, // RVI longer than 4
                new String[] {"279," + "C".repeat(300), "283,r3", "271,3"}, // FR longer than 255
                new String[] {"279,Cx", "283,r4", "271,3", "303,\u0001\u0002\u0003"}, // EC longer than 2
                new String[] {"279,Cx", "283,r5", "271,3", "12,\u0001\u0002\u0003"}, // Content-Format longer than 2
                new String[] {"279,Cx", "283,r6", "271,3", "23,\u000f"}); // Block2 with a reserved size
        for (String[] options : cases) {
            String[] answer = coap(options);
            assertThat(answer[0]).as(answer[2]).isEqualTo("4.00");
            assertThat(answer[1]).as(answer[2]).isEqualTo("{\"m2m:dbg\":\"malformed CoAP request\"}");
            assertThat(answer[2]).contains("307:\\x0F\\xA0"); // oneM2M-RSC 4000
        }
        cse.awaitAnnounced(Pattern.compile("(malformed CoAP request from [^ ]+: )"));
        String log = cse.output();
        assertThat(log).doesNotContain("\tat ").doesNotContain("\\tat ").doesNotContain("Exception:");
        // the listener still works
        assertThat(coap("279,CAdminTest", "283,ok", "271,3")[0]).isEqualTo("2.05");
    }
}
