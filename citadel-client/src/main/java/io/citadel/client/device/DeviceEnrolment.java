package io.citadel.client.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.client.HttpTransport;
import io.citadel.client.OneM2mClient;
import io.citadel.client.tls.PskHttpConnection;
import io.citadel.credentials.KeyDerivation;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * A device that enrols itself with a MEF (TS-0003 §8.3, the pre-provisioned symmetric key RSPF) and keeps its
 * credentials: in one TLS-PSK session over its bootstrap key (KpmID, Kpm) it runs the enrolment exchange
 * ({@code POST /mef/enrolment}: Ke, KeID exported from the session, the KeID the MEF answers checked against it) and
 * EST (RFC 7030: {@code cacerts}, {@code csrattrs}, {@code simpleenroll} with a fresh P-256 key and the challenge
 * password); it stores key, certificate, MEF CA, Ke and the key for its CSE encrypted in its state directory; it
 * renews over certificate TLS ({@code simplereenroll} on the MEF's certificate port) once two thirds of the
 * certificate's lifetime have passed; and it connects to its CSE with the certificate or with TLS-PSK (KeID and
 * the usage-constrained key). Every failure is an {@link EnrolmentException} and leaves the stored state as it was.
 *
 * <pre>{@code
 * DeviceEnrolment device = DeviceEnrolment.builder()
 *         .mef("mef-host", 8443, "mef.citadel.example").mefCertificatePort(8444)
 *         .bootstrapKey("dev1@mef.citadel.example", kpm)
 *         .challengePassword(password)
 *         .store(Path.of("state"), storePassword)
 *         .build();
 * if (!device.isEnrolled()) device.enrol();
 * device.renewIfDue(Instant.now());
 * OneM2mClient cse = device.cseWithCertificate("https://127.0.0.1:8443", cseTrust);
 * }</pre>
 */
public final class DeviceEnrolment {
    static final String EST = "/.well-known/est/";
    static final String ENROLMENT = "/mef/enrolment";
    private static final int MAX_JSON = 8 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String mefHost;
    private final int mefCertPort;
    private final String mefFqdn;
    private final String kpmId;
    private final char[] challengePassword;
    private final DeviceState state;
    private final Supplier<MefChannel> bootstrapChannel;
    private final Map<String, String> addresses;
    private final DeviceKeys keys;
    private volatile DeviceCredentials credentials;
    private volatile ManagedSettings settings;

    private DeviceEnrolment(Builder b) {
        this.mefHost = b.mefHost;
        this.mefCertPort = b.mefCertPort;
        this.mefFqdn = b.mefFqdn;
        this.kpmId = b.kpmId;
        this.challengePassword = b.challengePassword == null ? null : b.challengePassword.clone();
        this.keys = b.keys != null ? b.keys : DeviceKeys.software();
        this.state = new DeviceState(b.stateDir, b.storePassword, keys);
        byte[] kpm = b.kpm == null ? null : b.kpm.clone();
        this.bootstrapChannel = b.channel != null
                ? b.channel
                : () -> {
                    if (kpm == null || kpmId == null) {
                        throw new EnrolmentException("enrolment needs the bootstrap key (KpmID and Kpm)");
                    }
                    return MefChannel.psk(mefHost, b.mefPort, kpmId, kpm, TIMEOUT);
                };
        this.addresses = Map.copyOf(b.addresses);
        // a wrong password or open permissions are refused here
        Optional<DeviceState.Stored> stored = state.load();
        this.credentials = stored.map(DeviceState.Stored::credentials).orElse(null);
        ManagedSettings s = stored.map(DeviceState.Stored::settings).orElse(ManagedSettings.NONE);
        this.settings = s.firmwareName() == null && b.firmwareName != null
                ? s.withFirmware(b.firmwareName, b.firmwareVersion)
                : s;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether the state directory holds credentials. */
    public boolean isEnrolled() {
        return credentials != null;
    }

    /** The stored credentials; an {@link EnrolmentException} before enrolment. */
    public DeviceCredentials credentials() {
        DeviceCredentials c = credentials;
        if (c == null) {
            throw new EnrolmentException("this device is not enrolled yet");
        }
        return c;
    }

    /**
     * Enrols: enrolment exchange and EST in one bootstrap session, then stores everything. Refused when the device is
     * enrolled already (it renews instead: the MEF enrols a device once).
     */
    public synchronized DeviceCredentials enrol() {
        if (credentials != null) {
            throw new EnrolmentException("this device is enrolled already; it renews with its certificate");
        }
        if (challengePassword == null) {
            throw new EnrolmentException("enrolment needs the challenge password");
        }
        try (MefChannel mef = bootstrapChannel.get()) {
            Exchanged exchanged = enrolmentExchange(mef);
            KeyDerivation.ExportedKey exported = exchanged.key();
            try {
                byte[] keyForCse = null;
                KeyPair keys = this.keys.generate();
                X509Certificate ca = onlyCertificate(get(mef, "cacerts"), "CA certificates");
                GeneralNames identity = EstMessages.requestedIdentity(get(mef, "csrattrs"));
                byte[] issued = post(mef, EstMessages.certificationRequest(keys, challengePassword, identity));
                X509Certificate certificate = checkIssued(issued, ca, keys);
                String alias = this.keys.keep(keys.getPrivate(), List.of(certificate, ca));
                try {
                    String cseFqdn = DeviceCredentials.cseFqdn(DeviceCredentials.aeIdentity(certificate));
                    keyForCse = KeyDerivation.usageConstrainedKey(exported.key(), 22, cseFqdn);
                    DeviceCredentials c = new DeviceCredentials(
                            keys.getPrivate(),
                            List.of(certificate, ca),
                            ca,
                            exported.identifier(mefFqdn),
                            exchanged.notAfter(),
                            exported.key(),
                            keyForCse,
                            cseFqdn,
                            alias);
                    state.save(c, settings);
                    credentials = c;
                    return c;
                } finally {
                    if (keyForCse != null) {
                        Arrays.fill(keyForCse, (byte) 0);
                    }
                }
            } finally {
                exported.destroy();
            }
        }
    }

    /** What the enrolment exchange gave: Ke and RelativeKeID from the session, Ke's expiry from the MEF. */
    private record Exchanged(KeyDerivation.ExportedKey key, Instant notAfter) {}

    /**
     * {@code POST /mef/enrolment} as the first request of the session: the KeID the MEF answers must be the one this
     * session's export gives ({@code hex(bytes 0..16)@MEF-FQDN}).
     */
    private Exchanged enrolmentExchange(MefChannel mef) {
        PskHttpConnection.Reply r = exchange(mef, "POST", ENROLMENT, Map.of(), new byte[0], "the enrolment exchange");
        if (r.status() != 200) {
            throw refused("the enrolment exchange", r);
        }
        JsonNode answer = json(r.body(), "enrolment exchange answer");
        String keId = answer.path("keID").asText(null);
        String expiry = answer.path("expirationTime").asText(null);
        if (keId == null || expiry == null) {
            throw new EnrolmentException("the MEF's enrolment exchange answer has no keID or expirationTime");
        }
        Instant notAfter;
        try {
            notAfter = Instant.parse(expiry);
        } catch (DateTimeParseException e) {
            throw new EnrolmentException("the MEF's expirationTime is not a timestamp");
        }
        KeyDerivation.ExportedKey exported = KeyDerivation.split(mef.bootstrapExport());
        if (!exported.identifier(mefFqdn).equals(keId)) {
            exported.destroy();
            throw new EnrolmentException("the MEF answered a KeID that is not this session's ("
                    + EstMessages.reason(keId.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    + "): not the MEF " + mefFqdn + ", or not the same session");
        }
        return new Exchanged(exported, notAfter);
    }

    private static byte[] get(MefChannel mef, String operation) {
        PskHttpConnection.Reply r = exchange(mef, "GET", EST + operation, Map.of(), null, "EST " + operation);
        if (r.status() != 200) {
            throw refused("EST " + operation, r);
        }
        return r.body();
    }

    private static byte[] post(MefChannel mef, byte[] csr) {
        PskHttpConnection.Reply r = exchange(
                mef,
                "POST",
                EST + "simpleenroll",
                Map.of("Content-Type", "application/pkcs10", "Content-Transfer-Encoding", "base64"),
                csr,
                "EST simpleenroll");
        if (r.status() != 200) {
            throw refused("EST simpleenroll", r);
        }
        return r.body();
    }

    private static PskHttpConnection.Reply exchange(
            MefChannel mef, String method, String path, Map<String, String> headers, byte[] body, String what) {
        try {
            return mef.exchange(method, path, headers, body);
        } catch (IOException e) {
            throw new EnrolmentException(
                    what + " failed: no TLS-PSK session with the MEF (a wrong bootstrap key or KpmID is refused"
                            + " in the handshake) or no answer",
                    e);
        }
    }

    /**
     * Renews the certificate when two thirds of its lifetime have passed at {@code now}: {@code simplereenroll} over
     * certificate TLS with the held certificate, a new key; key and certificate replaced together. True when it
     * renewed.
     */
    public synchronized boolean renewIfDue(Instant now) {
        DeviceCredentials c = credentials();
        if (now.isBefore(c.renewalDue())) {
            return false;
        }
        renew();
        return true;
    }

    /**
     * Renews the certificate now, whenever it is due (what a MEF's CERT_PROV command asks of an enrolled device):
     * {@code simplereenroll} over certificate TLS with the held certificate and a new key; key and certificate
     * replaced together, or nothing changed.
     */
    public synchronized void renew() {
        DeviceCredentials c = credentials();
        KeyPair keys = this.keys.generate();
        Answer r = overCertificate(
                "POST",
                EST + "simplereenroll",
                EstMessages.certificationRequest(keys, null, null),
                EstMessages.MAX_ANSWER,
                "EST simplereenroll");
        if (r.status() != 200) {
            throw new EnrolmentException(
                    "the MEF refused EST simplereenroll (" + r.status() + "): " + EstMessages.reason(r.body()));
        }
        X509Certificate renewed = checkIssued(r.body(), c.mefCa(), keys);
        if (!DeviceCredentials.aeIdentity(renewed).equals(c.identity())) {
            throw new EnrolmentException("the renewed certificate names another identity than the device's");
        }
        List<X509Certificate> chain = List.of(renewed, c.mefCa());
        String alias = this.keys.keep(keys.getPrivate(), chain);
        DeviceCredentials next = c.renewed(keys.getPrivate(), chain, alias);
        try {
            state.save(next, settings);
        } catch (EnrolmentException e) {
            this.keys.discard(alias);
            throw e;
        }
        credentials = next;
        this.keys.discard(c.keyAlias()); // the state names the new key now
    }

    /** An HTTP status and at most the answer's first {@code max + 1} bytes. */
    record Answer(int status, byte[] body) {}

    /**
     * One exchange with the MEF's certificate listener, authenticated with the certificate the device holds now
     * (a PKCS#10 body for EST, JSON otherwise); the MEF must prove its FQDN under the MEF CA.
     */
    Answer overCertificate(String method, String path, byte[] body, int max, String what) {
        return overCertificate(mefFqdn(), mefPort(), method, path, body, max, what);
    }

    /**
     * One exchange with the MEF {@code fqdn} on its certificate listener {@code port}: its certificate must name
     * {@code fqdn} under the MEF's CA (the one the device enrolled with; no other anchor counts for a MEF).
     */
    Answer overCertificate(String fqdn, int port, String method, String path, byte[] body, int max, String what) {
        DeviceCredentials c = credentials();
        if (port <= 0) {
            throw new EnrolmentException(what + " needs the MEF's certificate port");
        }
        String mefHost = address(fqdn);
        int mefCertPort = port;
        // only the MEF's CA: anchors a CSE's management objects added must not make a server pass for the MEF
        SSLContext tls = DeviceTls.context(c.privateKey(), c.chain(), List.of(c.mefCa()), fqdn);
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("https://" + hostPort(mefHost, mefCertPort) + path))
                .timeout(TIMEOUT);
        if (path.startsWith(EST)) {
            request.header("Content-Type", "application/pkcs10").header("Content-Transfer-Encoding", "base64");
        } else if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(
                method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<InputStream> r = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                return new Answer(r.statusCode(), in.readNBytes(max + 1));
            }
        } catch (IOException e) {
            throw new EnrolmentException(what + " failed: no certificate TLS session with the MEF at "
                    + hostPort(mefHost, mefCertPort) + " or no answer ("
                    + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnrolmentException("interrupted during " + what);
        }
    }

    /** The FQDN of the MEF the device follows now (the host its EST base URI names). */
    String mefFqdn() {
        String moved = settings.mefFqdn();
        return moved != null ? moved : mefFqdn;
    }

    /** The certificate port of the MEF the device follows now. */
    int mefPort() {
        return settings.mefFqdn() != null ? settings.mefPort() : mefCertPort;
    }

    /** Where to reach {@code fqdn}: the address given for it ({@code mef(...)}, {@code address(...)}), else by DNS. */
    String address(String fqdn) {
        if (fqdn.equalsIgnoreCase(mefFqdn)) {
            return mefHost;
        }
        return addresses.getOrDefault(fqdn.toLowerCase(java.util.Locale.ROOT), fqdn);
    }

    /** What management objects changed on this device (kept in its state). */
    public ManagedSettings settings() {
        return settings;
    }

    /** Changes the managed settings and stores them with the credentials, or changes nothing. */
    synchronized ManagedSettings changeSettings(java.util.function.UnaryOperator<ManagedSettings> change) {
        ManagedSettings next = change.apply(settings);
        if (!next.equals(settings)) {
            state.save(credentials(), next);
            settings = next;
        }
        return next;
    }

    /** {@code base} and the trust anchors management objects added. */
    public List<X509Certificate> trust(List<X509Certificate> base) {
        List<X509Certificate> all = new ArrayList<>(base);
        all.addAll(settings.anchorList());
        return all;
    }

    /** The oneM2M client of this device's AE, over certificate TLS to {@code cseBaseUri} (https://host:port). */
    public OneM2mClient cseWithCertificate(String cseBaseUri, List<X509Certificate> cseTrust) {
        DeviceCredentials c = credentials();
        SSLContext tls = DeviceTls.context(c.privateKey(), c.chain(), trust(cseTrust), c.cseFqdn());
        return new OneM2mClient(HttpTransport.connect(cseBaseUri, tls), c.aeId());
    }

    /** The oneM2M client of this device's AE over CoAP and DTLS with its certificate to {@code host:port}. */
    public OneM2mClient cseWithCertificateOverCoap(String host, int port, List<X509Certificate> cseTrust) {
        DeviceCredentials c = credentials();
        return new OneM2mClient(
                io.citadel.client.CoapTransport.certificate(
                        host, port, c.privateKey(), c.chain(), DeviceTls.trust(trust(cseTrust), c.cseFqdn())),
                c.aeId());
    }

    /** The oneM2M client of this device's AE over CoAP and DTLS-PSK (identity KeID, the derived key). */
    public OneM2mClient cseWithKeyOverCoap(String host, int port) {
        DeviceCredentials c = credentials();
        byte[] key = c.cseKey();
        try {
            return new OneM2mClient(io.citadel.client.CoapTransport.psk(host, port, c.keyId(), key), c.aeId());
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * The oneM2M client of this device's AE with another pre-shared key ({@code identity}, {@code key}; a key from its
     * MAF, say) over TLS-PSK to {@code host:port}, or DTLS-PSK when {@code overCoap}.
     */
    public OneM2mClient cseWithPsk(String host, int port, String identity, byte[] key, boolean overCoap) {
        return new OneM2mClient(
                overCoap
                        ? io.citadel.client.CoapTransport.psk(host, port, identity, key)
                        : HttpTransport.psk(host, port, identity, key),
                credentials().aeId());
    }

    /** The oneM2M client of this device's AE, over TLS-PSK to {@code host:port} (identity KeID, the derived key). */
    public OneM2mClient cseWithKey(String host, int port) {
        DeviceCredentials c = credentials();
        byte[] key = c.cseKey();
        try {
            return new OneM2mClient(HttpTransport.psk(host, port, c.keyId(), key), c.aeId());
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** The issued certificate: one, signed by {@code ca}, for {@code keys}' public key, with an AE-ID. */
    private static X509Certificate checkIssued(byte[] answer, X509Certificate ca, KeyPair keys) {
        X509Certificate cert = onlyCertificate(answer, "certificate");
        try {
            cert.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new EnrolmentException("the MEF's certificate is not signed by the MEF's CA");
        }
        if (!Arrays.equals(cert.getPublicKey().getEncoded(), keys.getPublic().getEncoded())) {
            throw new EnrolmentException("the MEF's certificate is not for this device's key");
        }
        try {
            DeviceCredentials.aeIdentity(cert);
        } catch (EnrolmentException e) {
            throw new EnrolmentException("the MEF's " + e.getMessage().substring("the ".length()));
        }
        return cert;
    }

    private static X509Certificate onlyCertificate(byte[] answer, String what) {
        List<X509Certificate> certs = EstMessages.certsOnly(answer, what);
        if (certs.size() != 1) {
            throw new EnrolmentException("the MEF's " + what + " holds " + certs.size() + " certificates, not one");
        }
        return certs.get(0);
    }

    private static JsonNode json(byte[] body, String what) {
        if (body.length > MAX_JSON) {
            throw new EnrolmentException("the MEF's " + what + " is over " + MAX_JSON + " bytes");
        }
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw new EnrolmentException("the MEF's " + what + " is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new EnrolmentException("the MEF's " + what + " is not JSON");
        }
    }

    private static EnrolmentException refused(String what, PskHttpConnection.Reply r) {
        return new EnrolmentException(
                "the MEF refused " + what + " (" + r.status() + "): " + EstMessages.reason(r.body()));
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** How a device enrols: where its MEF is, its bootstrap secrets, where and how its state is kept. */
    public static final class Builder {
        private String mefHost;
        private int mefPort;
        private int mefCertPort;
        private String mefFqdn;
        private String kpmId;
        private byte[] kpm;
        private char[] challengePassword;
        private Path stateDir;
        private char[] storePassword;
        private Supplier<MefChannel> channel;
        private final Map<String, String> addresses = new java.util.HashMap<>();
        private String firmwareName;
        private String firmwareVersion;
        private DeviceKeys keys;

        private Builder() {}

        /**
         * The address of another server the device may be pointed to by name (a MEF a [MEFClientRegCfg] names),
         * where DNS does not know it; otherwise names are looked up by DNS.
         */
        public Builder address(String fqdn, String address) {
            addresses.put(fqdn.toLowerCase(java.util.Locale.ROOT), address);
            return this;
        }

        /**
         * Keeps the device's private key in a PKCS#11 token (generated there, never leaving it) instead of its state:
         * the module {@code library}, slot list index {@code slot}, user PIN {@code pin} (copied; the caller zeroes
         * its array).
         */
        public Builder token(String library, int slot, char[] pin, Path workDir) {
            this.keys = DeviceKeys.token(library, slot, pin, workDir);
            return this;
        }

        /** The firmware the device runs when its state records none (what a [firmware] update must be newer than). */
        public Builder firmware(String name, String version) {
            this.firmwareName = name;
            this.firmwareVersion = version;
            return this;
        }

        /** The MEF's TLS-PSK (EST) listener and its FQDN (the KeID's domain, the name in its certificate). */
        public Builder mef(String host, int port, String fqdn) {
            this.mefHost = host;
            this.mefPort = port;
            this.mefFqdn = fqdn;
            return this;
        }

        /** The MEF's certificate listener, for renewal (default 8444). */
        public Builder mefCertificatePort(int port) {
            this.mefCertPort = port;
            return this;
        }

        /** The bootstrap key (copied; the caller zeroes its array). */
        public Builder bootstrapKey(String id, byte[] key) {
            this.kpmId = id;
            this.kpm = key.clone();
            return this;
        }

        public Builder challengePassword(char[] password) {
            this.challengePassword = password.clone();
            return this;
        }

        /** Where the credentials are kept (owner-only), and the password that protects them. */
        public Builder store(Path dir, char[] password) {
            this.stateDir = dir;
            this.storePassword = password.clone();
            return this;
        }

        /** A bootstrap channel of a test's making. */
        Builder channel(Supplier<MefChannel> c) {
            this.channel = c;
            return this;
        }

        /** Opens the state (a wrong password, open permissions or a damaged file are refused here). */
        public DeviceEnrolment build() {
            Objects.requireNonNull(mefHost, "mef");
            Objects.requireNonNull(mefFqdn, "mef");
            Objects.requireNonNull(stateDir, "store");
            if (mefCertPort == 0) {
                mefCertPort = 8444;
            }
            try {
                return new DeviceEnrolment(this);
            } finally {
                if (kpm != null) {
                    Arrays.fill(kpm, (byte) 0);
                }
                if (challengePassword != null) {
                    Arrays.fill(challengePassword, '\0');
                }
                if (storePassword != null) {
                    Arrays.fill(storePassword, '\0');
                }
            }
        }
    }
}
