package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's walk-throughs exactly as written (with {@code ./citadel} standing for this
 * build and the two ports swapped for free ones), so the README stays true.
 */
class ReadmeWalkthroughTest {
    @TempDir
    Path work;

    @Test
    void the_readme_curl_steps_work_as_written() throws Exception {
        // the curl walk-through talks to a CSE started as "The two commands" show, waiting for its readiness line
        String text = runBlock(
                "curl-walkthrough",
                Map.of(),
                "./citadel serve --http-port 8080 | tee cse.log &\n"
                        + "for _ in $(seq 300); do grep -q '^Citadel ready' cse.log 2>/dev/null && break; sleep 0.2; done\n");
        java.util.List<String> codes = new java.util.ArrayList<>();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(?i)X-M2M-RSC: (\\d+)").matcher(text);
        while (m.find()) {
            codes.add(m.group(1));
        }
        assertThat(codes)
                .as(text)
                .containsExactly(
                        "2001", "2001", "2001", "2000", // Cmyapp: AE, container, reading, latest
                        "2001", "4103", // Cstranger registers, then is refused by access control
                        "2001", "2004", // the ACP, linked from the container
                        "2001", "2000"); // Cdashboard registers, then reads
    }

    @Test
    void the_readme_steps_work_as_written() throws Exception {
        int dasPort = freePort();
        String text = runBlock("authz-walkthrough", Map.of("8090", dasPort));
        assertThat(text).containsPattern("(?i)X-M2M-RSC: 2000");
        assertThat(text).containsPattern("(?i)X-M2M-RSC: 4103");
        assertThat(text).contains("DAS http://127.0.0.1:" + dasPort + "/das/dynaAuth denied");
        assertThat(text).contains("\"m2m:tqf\"").contains("\"dreq\"");
    }

    @Test
    void the_readme_privacy_steps_work_as_written() throws Exception {
        String text = runBlock("privacy-walkthrough", Map.of("8443", freePort(), "8445", freePort()));
        assertThat(text)
                .containsSubsequence(
                        "X-M2M-RSC: 2001", // the AE
                        "X-M2M-RSC: 2001",
                        "X-M2M-RSC: 2001", // the policies at levels 2 and 3
                        "X-M2M-RSC: 4000", // level 7
                        "X-M2M-RSC: 2001",
                        "X-M2M-RSC: 2001", // the containers
                        "X-M2M-RSC: 2000",
                        "X-M2M-RSC: 4103",
                        "DENY originator=/id-in/Cdev target=",
                        "X-M2M-RSC: 2000", // its own access log
                        "exported /id-in/Cdev: 5 resources",
                        "erased /id-in/Cdev: 5 resources",
                        "X-M2M-RSC: 4004"); // the erased AE's container is gone
        assertThat(text).containsPattern("DENY originator=/id-in/Cdev target=\\S+ op=RETRIEVE loa=2");
    }

    @Test
    void the_readme_psk_steps_work_as_written() throws Exception {
        String text = runBlock("psk-walkthrough", Map.of("8443", freePort(), "8445", freePort()));
        assertThat(text).containsPattern("(?i)X-M2M-RSC: 2001");
        assertThat(text).containsPattern("(?i)X-M2M-RSC: 4106");
        assertThat(text).containsPattern("(?i)X-M2M-RSC: 4107");
        assertThat(text).contains("revoked sensor1@psk.example");
        assertThat(text).containsPattern("\\{\"identity\":\"sensor2@psk.example\",.*\"key\":\"[0-9a-f]{64}\"\\}");
        assertThat(text)
                .contains("[{\"identity\":\"sensor2@psk.example\",\"allow\":[\"Csensor2\"],\"expires\":null,"
                        + "\"credentialId\":\"12-sensor2@psk.example\"}]");
        assertThat(text).containsPattern("(?m)^204$");
    }

    @Test
    void the_readme_certificate_steps_work_as_written() throws Exception {
        String text = runBlock("cert-walkthrough", Map.of("8444", freePort(), "5684", freePort(), "8446", freePort()));
        assertThat(text).containsPattern("(?i)X-M2M-RSC: 2001");
        assertThat(text).containsPattern("(?i)X-M2M-RSC: 4106");
        assertThat(text).contains("c:2.01 ").contains("307:\\x07\\xD1");
        assertThat(text).containsPattern("(?i)X-M2M-RSC: 2000");
    }

    @Test
    void the_readme_onboarding_steps_work_as_written() throws Exception {
        String text =
                runBlock("onboarding-walkthrough", Map.of("9443", freePort(), "9444", freePort(), "8447", freePort()));
        assertThat(text).contains("dev1.pem: OK");
        assertThat(text).containsPattern("(?i)X-M2M-RSC: 2001");
        assertThat(text).contains("dev1-new.pem: OK");
        assertThat(text)
                .as("the renewed certificate works before the revocation")
                .containsPattern("(?i)X-M2M-RSC: 2000");
        assertThat(text).contains("device dev1@mef.citadel.example revoked").contains("lists 2 certificate(s)");
        assertThat(text).contains("the revoked device is refused");
    }

    @Test
    void the_readme_hierarchy_steps_work_as_written() throws Exception {
        String text = runBlock("hierarchy-walkthrough", Map.of("8081", freePort(), "9000", freePort()));
        assertThat(text).contains("\"csi\":\"/id-mn\"");
        assertThat(text).containsPattern("(?i)X-M2M-RSC: 2001");
        assertThat(text).contains("\"m2m:sgn\"").contains("21.5");
        assertThat(text).containsPattern("(?i)X-M2M-RSC: 4004");
    }

    @Test
    void the_readme_bindings_steps_work_as_written() throws Exception {
        try (Mosquitto broker = Mosquitto.start(work, "allow_anonymous true")) {
            String text = runBlock(
                    "bindings-walkthrough", Map.of("1883", broker.port(), "5683", freePort(), "5684", freePort()));
            assertThat(text).contains("c:2.01 ").contains("c:4.03 ");
            assertThat(text).contains("\"rsc\":2001,\"rqi\":\"m1\"");
            assertThat(text).contains("oneM2M.json w1 2001").contains("oneM2M.json w2 2000");
        }
    }

    private String runBlock(String marker, Map<String, Integer> ports) throws Exception {
        return runBlock(marker, ports, "");
    }

    /**
     * Runs the README's shell blocks between the markers (in order, after {@code setup}) with bash; port 8080
     * and the given ports are swapped for free ones.
     */
    private String runBlock(String marker, Map<String, Integer> ports, String setup) throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        int begin = readme.indexOf("<!-- " + marker + ":begin -->");
        int end = readme.indexOf("<!-- " + marker + ":end -->");
        assertThat(begin).isPositive();
        String block = readme.substring(begin, end);
        StringBuilder script = new StringBuilder(setup);
        for (int from = block.indexOf("```sh"); from >= 0; from = block.indexOf("```sh", from)) {
            int close = block.indexOf("```", from + 5);
            script.append(block, from + 5, close).append('\n');
            from = close + 3;
        }
        int csePort = freePort();
        String java = CitadelCommand.java() + "' '" + String.join("' '", CitadelCommand.JVM_FLAGS);
        // its own session (setsid), so that at exit "kill 0" stops the servers it started and nothing else
        String prelude = "set -e\ntrap 'rc=$?; trap \"\" TERM; kill 0; wait; exit $rc' EXIT\n" + "citadel() { '" + java
                + "' -cp '" + System.getProperty("java.class.path") + "' io.citadel.server.Main \"$@\"; }\n";
        String body = script.toString().replace("./citadel", "citadel").replace("8080", String.valueOf(csePort));
        for (Map.Entry<String, Integer> p : ports.entrySet()) {
            body = body.replace(p.getKey(), String.valueOf(p.getValue()));
        }
        Path file = work.resolve("walkthrough.sh");
        Files.writeString(file, prelude + body);
        Path log = work.resolve("walkthrough.log");
        Process p = new ProcessBuilder("setsid", "bash", file.toString())
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean finished = p.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished).as(text).isTrue();
        assertThat(p.exitValue()).as(text).isZero();
        assertThat(work.resolve("Californium3.properties"))
                .as("Californium writes no properties file")
                .doesNotExist();
        return text;
    }

    private static int freePort() {
        return Ports.free();
    }
}
