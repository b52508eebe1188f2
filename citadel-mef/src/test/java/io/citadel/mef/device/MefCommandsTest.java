package io.citadel.mef.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.client.device.DeviceEnrolment;
import io.citadel.client.device.EnrolmentException;
import io.citadel.client.device.MefCommands;
import io.citadel.client.tls.PskHttpConnection;
import io.citadel.credentials.EncryptedFilePskStore;
import io.citadel.credentials.PskCredential;
import io.citadel.mef.clients.MefClients;
import io.citadel.mef.clients.MefCommand;
import io.citadel.mef.est.EnrolmentPolicy;
import io.citadel.mef.est.EnrolmentSubject;
import io.citadel.mef.est.Enrolments;
import io.citadel.mef.est.EstService;
import io.citadel.mef.http.ClientRoutes;
import io.citadel.mef.http.KeyRoutes;
import io.citadel.mef.http.MefServer;
import io.citadel.mef.http.ReenrolmentServer;
import io.citadel.mef.keys.EnrolmentKeys;
import io.citadel.protocol.mef.MmefNames.CommandClass;
import io.citadel.protocol.mef.MmefNames.CommandStatus;
import io.citadel.security.HandshakeThrottle;
import io.citadel.tls.CertificateAuthority;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MEF client registration and commands on the real MEF listeners in-process: over the bootstrap (TLS-PSK) listener
 * with a raw HTTP client (refusals first: another client's registration, malformed bodies), then the SDK's
 * {@link MefCommands} over certificate TLS executing a CERT_PROV (a new certificate), answering 41 to a class it
 * does not execute and 43 to arguments it cannot accept, and the MEF keeping each result.
 */
class MefCommandsTest {
    static final String FQDN = "mef.citadel.example";
    static final String PASSWORD = "one-time challenge password";
    static final String EST_BASE = "https://" + FQDN + ":8443/.well-known/est";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static MefServer mef;
    static ReenrolmentServer certificates;
    static Enrolments enrolments;
    static MefClients clients;
    static final Map<String, byte[]> kpm = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("citadel.example", Duration.ofDays(1));
        enrolments = Enrolments.open(dir.resolve("enrolments.json"));
        EncryptedFilePskStore keys = EncryptedFilePskStore.open(dir.resolve("bootstrap"), "pw".toCharArray());
        for (String dev : List.of("dev1", "dev2", "dev3")) {
            enrolments.put(EnrolmentPolicy.withPassword(
                    dev + "@" + FQDN,
                    new EnrolmentSubject(EnrolmentSubject.Type.AE_ID, "C" + dev, "/id-in", "citadel.example"),
                    Duration.ofDays(30),
                    PASSWORD));
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            kpm.put(dev, key);
            keys.put(new PskCredential(dev + "@" + FQDN, List.of("C" + dev), null), key.clone());
        }
        EnrolmentKeys enrolmentKeys = new EnrolmentKeys(
                EncryptedFilePskStore.open(dir.resolve("ke"), "pw".toCharArray()), enrolments, FQDN, Clock.systemUTC());
        EstService est = new EstService(ca, enrolments, Clock.systemUTC());
        clients = new MefClients(
                dir.resolve("mef-clients.json"), Clock.systemUTC(), Duration.ofDays(1), Duration.ofSeconds(7));
        KeyRoutes routes = new KeyRoutes(enrolmentKeys, EST_BASE, new ClientRoutes(clients, enrolments, FQDN));
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        mef = new MefServer(
                any,
                est,
                routes,
                keys,
                new HandshakeThrottle(
                        100, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofHours(1), 100, Clock.systemUTC()),
                10_000);
        CertificateAuthority.Issued server = ca.issueServer(FQDN, List.of(), Duration.ofDays(1));
        certificates = new ReenrolmentServer(
                any,
                est,
                enrolments,
                server.key(),
                List.of(server.certificate(), server.ca()),
                ca.certificate(),
                List.of(),
                routes,
                List.of(),
                10_000);
    }

    @AfterAll
    static void stop() {
        mef.close();
        certificates.close();
    }

    static PskHttpConnection.Reply psk(String dev, String method, String path, String body) throws Exception {
        try (PskHttpConnection c = new PskHttpConnection("127.0.0.1", mef.port(), dev + "@" + FQDN, kpm.get(dev))) {
            return c.exchange(
                    method,
                    path,
                    Map.of("Content-Type", "application/json"),
                    body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                    Duration.ofSeconds(20));
        }
    }

    static JsonNode json(PskHttpConnection.Reply r) throws Exception {
        return JSON.readTree(r.body());
    }

    static DeviceEnrolment device(String dev, Path state) {
        return DeviceEnrolment.builder()
                .mef("127.0.0.1", mef.port(), FQDN)
                .mefCertificatePort(certificates.port())
                .bootstrapKey(dev + "@" + FQDN, kpm.get(dev))
                .challengePassword(PASSWORD.toCharArray())
                .store(state, "store password".toCharArray())
                .build();
    }

    static Map<String, Object> certProv(String subject, String uri) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("certProvProtocolID", 1);
        args.put("uri", uri);
        args.put("certSubjectType", 3);
        args.put("certSubjectID", subject);
        return args;
    }

    @Test
    void over_the_bootstrap_key_refusals_come_first_then_registration_and_no_more_commands() throws Exception {
        PskHttpConnection.Reply bad = psk("dev2", "POST", "/mef/clients", "{\"labels\":");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(json(bad).path("errorString").asText()).isEqualTo("the request is not JSON");
        assertThat(psk("dev2", "GET", "/mef/clientsX", null).status()).isEqualTo(404);

        PskHttpConnection.Reply created = psk("dev2", "POST", "/mef/clients", "{\"labels\":[\"meter\"]}");
        assertThat(created.status()).isEqualTo(201);
        String id = json(created).path("mefClientRegID").asText();
        assertThat(json(created).path("mefClientID").asText()).isEqualTo("dev2@" + FQDN);

        PskHttpConnection.Reply foreign = psk("dev3", "GET", "/mef/clients/" + id, null);
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(json(foreign).path("errorString").asText()).isEqualTo("this registration is another client's");
        assertThat(psk("dev3", "PUT", "/mef/clients/" + id + "/cmd", "{\"cmdID\":1,\"cmdStatusCode\":20}")
                        .status())
                .isEqualTo(403);

        PskHttpConnection.Reply none = psk("dev2", "GET", "/mef/clients/" + id + "/cmd", null);
        assertThat(none.status()).isEqualTo(200);
        assertThat(json(none).toString())
                .isEqualTo("{\"cmdDescription\":{\"cmdClassID\":0,\"cmdArgs\":{\"retryDuration\":7}}}");
        assertThat(psk("dev2", "DELETE", "/mef/clients/" + id, null).status()).isEqualTo(204);
        assertThat(psk("dev2", "GET", "/mef/clients/" + id, null).status()).isEqualTo(404);
    }

    @Test
    void an_enrolled_device_executes_cert_prov_over_certificate_tls_and_answers_what_it_cannot_do() throws Exception {
        DeviceEnrolment device = device("dev1", dir.resolve("dev1"));
        device.enrol();
        BigInteger first = device.credentials().certificate().getSerialNumber();
        String enrolee = "dev1@" + FQDN;
        MefCommand devCfg =
                clients.enqueue(enrolee, CommandClass.DEV_CFG, Map.of("devMgmtID", 3, "uri", "coap://dm"), null);
        MefCommand otherSubject = clients.enqueue(enrolee, CommandClass.CERT_PROV, certProv("Cother", EST_BASE), null);
        MefCommand otherMef =
                clients.enqueue(enrolee, CommandClass.CERT_PROV, certProv("Cdev1", "https://evil.example/est"), null);
        MefCommand missing = clients.enqueue(enrolee, CommandClass.CERT_PROV, Map.of("certProvProtocolID", 1), null);
        MefCommand certProv = clients.enqueue(enrolee, CommandClass.CERT_PROV, certProv("Cdev1", EST_BASE), null);

        MefCommands commands = new MefCommands(device);
        MefCommands.Poll poll = commands.poll();
        assertThat(poll.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(poll.executed())
                .extracting(MefCommands.Executed::cmdId, MefCommands.Executed::result)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(devCfg.cmdId(), CommandStatus.CLASS_NOT_SUPPORTED),
                        org.assertj.core.groups.Tuple.tuple(otherSubject.cmdId(), CommandStatus.UNACCEPTABLE_ARGUMENTS),
                        org.assertj.core.groups.Tuple.tuple(otherMef.cmdId(), CommandStatus.UNACCEPTABLE_ARGUMENTS),
                        org.assertj.core.groups.Tuple.tuple(missing.cmdId(), CommandStatus.BAD_ARGUMENTS),
                        org.assertj.core.groups.Tuple.tuple(certProv.cmdId(), CommandStatus.OK));
        BigInteger renewed = device.credentials().certificate().getSerialNumber();
        assertThat(renewed).isNotEqualTo(first);
        assertThat(enrolments.current(enrolee)).contains(renewed);
        assertThat(clients.commands(Optional.of(enrolee)))
                .extracting(MefCommand::status)
                .containsExactly(
                        CommandStatus.CLASS_NOT_SUPPORTED,
                        CommandStatus.UNACCEPTABLE_ARGUMENTS,
                        CommandStatus.UNACCEPTABLE_ARGUMENTS,
                        CommandStatus.BAD_ARGUMENTS,
                        CommandStatus.OK);

        // the registration holds across the new certificate; nothing more to do
        assertThat(commands.poll().executed()).isEmpty();
        assertThat(clients.registrationOf(enrolee)).isPresent();

        // another instance (the device restarted) goes on with the registration the MEF has (409 names it)
        MefCommands restarted = new MefCommands(device);
        assertThat(restarted.register()).isEqualTo(commands.register());
        restarted.deregister();
        assertThat(clients.registrationOf(enrolee)).isEmpty();
    }

    @Test
    void a_device_whose_enrolment_was_revoked_is_no_client() throws Exception {
        DeviceEnrolment device = device("dev3", dir.resolve("dev3"));
        device.enrol();
        enrolments.revoke("dev3@" + FQDN);
        assertThatThrownBy(() -> new MefCommands(device).poll())
                .isInstanceOf(EnrolmentException.class)
                .hasMessageContaining("(401)");
    }
}
