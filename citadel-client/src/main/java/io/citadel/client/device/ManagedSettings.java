package io.citadel.client.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What management objects changed on a device, kept in its state with its credentials so that a restart connects as
 * they said: trust anchors added by [trustAnchorCred] objects (by the object that added each), how it authenticates
 * to its CSE ([authenticationProfile]), where its MEF is now ([MEFClientRegCfg]), its registration as a MAF client
 * ([MAFClientRegCfg]), the firmware it installed, and which version ({@code lt}) of each object it applied.
 *
 * @param anchors source (a mgmtObj's resource ID, or {@code mo:<objectPath>} for a MEF command) → trust anchor
 * @param cseAuthentication how it authenticates to its CSE, or null: as started
 * @param mefFqdn the MEF it follows now, or null: the one it enrolled with
 * @param mefPort that MEF's certificate port (0 with a null {@code mefFqdn})
 * @param maf its registration as a MAF client, or null: none
 * @param firmwareName the firmware it runs, or null: as started
 * @param applied source → the {@code lt} of the object last applied (or reported as refused)
 */
public record ManagedSettings(
        Map<String, X509Certificate> anchors,
        CseAuthentication cseAuthentication,
        String mefFqdn,
        int mefPort,
        MafRegistration maf,
        String firmwareName,
        String firmwareVersion,
        Map<String, String> applied) {
    static final ManagedSettings NONE = new ManagedSettings(Map.of(), null, null, 0, null, null, null, Map.of());
    /** The most objects a device keeps track of; more are refused (a CSE cannot fill its state). */
    static final int MAX_OBJECTS = 64;
    /**
     * The most trust anchors MEF commands may add (each objectPath holds one, replaced when the path comes again;
     * counted apart from the node's, so neither can crowd the other out).
     */
    static final int MAX_MEF_ANCHORS = 16;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How a device authenticates to its CSE (the SAEF of its [authenticationProfile]). */
    public enum CseAuthentication {
        /** SUID 42: certificate TLS with the certificate the MEF issued. */
        CERTIFICATE,
        /** SUID 22: TLS-PSK with the usage-constrained key derived from the MEF-provisioned Ke. */
        ENROLMENT_KEY,
        /** SUID 32: TLS-PSK with a key Kc it registered at its MAF for its CSE (the MAF-based SAEF). */
        MAF_KEY
    }

    /**
     * The device as a client of a MAF (TS-0003 §8.8.2.1): where the MAF is, the registration's ID, the KmID the MAF
     * assigned to its master key (null: none assigned, the device keeps opening MAF sessions with its KeID), how long
     * a key for its CSE is asked to last ({@code krd} of its [authenticationProfile]; null: as the MAF gives) and the
     * identifier of the last such key (de-registered when it is replaced; null: none).
     *
     * @param source the object that asked for it (a mgmtObj's resource ID, or {@code mo:<objectPath>})
     */
    public record MafRegistration(
            String source,
            String fqdn,
            int port,
            String regId,
            String assignedKmId,
            java.time.Duration keyDuration,
            String keyId) {
        static final String FQDN = "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+";
        static final String REG_ID = "[A-Za-z0-9._~-]{1,128}";

        /** Whether it is one the device can use (a state file edited by hand, or written by a newer version). */
        boolean usable() {
            return source != null
                    && fqdn != null
                    && fqdn.matches(FQDN)
                    && port >= 1
                    && port <= 65535
                    && regId != null
                    && regId.matches(REG_ID)
                    && (assignedKmId == null
                            || assignedKmId.matches("[0-9a-f]{32}@" + java.util.regex.Pattern.quote(fqdn)))
                    && (keyId == null || keyId.matches("[0-9a-f]{32}@" + java.util.regex.Pattern.quote(fqdn)));
        }

        MafRegistration withSource(String s) {
            return new MafRegistration(s, fqdn, port, regId, assignedKmId, keyDuration, keyId);
        }

        MafRegistration withKey(java.time.Duration duration, String id) {
            return new MafRegistration(source, fqdn, port, regId, assignedKmId, duration, id);
        }
    }

    public ManagedSettings {
        anchors = Collections.unmodifiableMap(new LinkedHashMap<>(anchors));
        applied = Collections.unmodifiableMap(new LinkedHashMap<>(applied));
    }

    List<X509Certificate> anchorList() {
        return List.copyOf(anchors.values());
    }

    ManagedSettings withAnchor(String source, X509Certificate anchor) {
        Map<String, X509Certificate> next = new LinkedHashMap<>(anchors);
        if (anchor == null) {
            next.remove(source);
        } else {
            next.put(source, anchor);
        }
        return new ManagedSettings(
                next, cseAuthentication, mefFqdn, mefPort, maf, firmwareName, firmwareVersion, applied);
    }

    ManagedSettings withCseAuthentication(CseAuthentication a) {
        return new ManagedSettings(anchors, a, mefFqdn, mefPort, maf, firmwareName, firmwareVersion, applied);
    }

    ManagedSettings withMef(String fqdn, int port) {
        return new ManagedSettings(anchors, cseAuthentication, fqdn, port, maf, firmwareName, firmwareVersion, applied);
    }

    /** Its registration as a MAF client (null: none). */
    ManagedSettings withMaf(MafRegistration registration) {
        return new ManagedSettings(
                anchors, cseAuthentication, mefFqdn, mefPort, registration, firmwareName, firmwareVersion, applied);
    }

    ManagedSettings withFirmware(String name, String version) {
        return new ManagedSettings(anchors, cseAuthentication, mefFqdn, mefPort, maf, name, version, applied);
    }

    /** Records the {@code lt} applied for {@code source} (null: forgets it). */
    ManagedSettings withApplied(String source, String lastModified) {
        Map<String, String> next = new LinkedHashMap<>(applied);
        if (lastModified == null) {
            next.remove(source);
        } else {
            next.put(source, lastModified);
        }
        return new ManagedSettings(
                anchors, cseAuthentication, mefFqdn, mefPort, maf, firmwareName, firmwareVersion, next);
    }

    byte[] toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, String> der = new LinkedHashMap<>();
        anchors.forEach((source, c) -> {
            try {
                der.put(source, Base64.getEncoder().encodeToString(c.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("cannot encode a trust anchor", e);
            }
        });
        m.put("anchors", der);
        m.put("cseAuthentication", cseAuthentication == null ? null : cseAuthentication.name());
        m.put("mefFqdn", mefFqdn);
        m.put("mefPort", mefPort);
        if (maf != null) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("source", maf.source());
            r.put("fqdn", maf.fqdn());
            r.put("port", maf.port());
            r.put("regId", maf.regId());
            r.put("assignedKmId", maf.assignedKmId());
            r.put(
                    "keyDuration",
                    maf.keyDuration() == null ? null : maf.keyDuration().toString());
            r.put("keyId", maf.keyId());
            m.put("maf", r);
        }
        m.put("firmwareName", firmwareName);
        m.put("firmwareVersion", firmwareVersion);
        m.put("applied", applied);
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    static ManagedSettings fromJson(byte[] json) throws IOException, CertificateException {
        JsonNode n = JSON.readTree(json);
        Map<String, X509Certificate> anchors = new LinkedHashMap<>();
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        for (var e : iterable(n.path("anchors").fields())) {
            anchors.put(e.getKey(), (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(
                    Base64.getDecoder().decode(e.getValue().asText()))));
        }
        Map<String, String> applied = new LinkedHashMap<>();
        for (var e : iterable(n.path("applied").fields())) {
            applied.put(e.getKey(), e.getValue().asText());
        }
        CseAuthentication authentication = null;
        String auth = n.path("cseAuthentication").asText(null);
        for (CseAuthentication a : CseAuthentication.values()) {
            if (a.name().equals(auth)) { // one this version does not know: as started
                authentication = a;
            }
        }
        JsonNode maf = n.path("maf");
        MafRegistration registration = null;
        if (maf.isObject()) {
            java.time.Duration keyDuration = null;
            try {
                String d = maf.path("keyDuration").asText(null);
                keyDuration = d == null ? null : java.time.Duration.parse(d);
            } catch (java.time.format.DateTimeParseException e) {
                // as the MAF gives
            }
            registration = new MafRegistration(
                    maf.path("source").asText(null),
                    maf.path("fqdn").asText(null),
                    maf.path("port").asInt(0),
                    maf.path("regId").asText(null),
                    maf.path("assignedKmId").asText(null),
                    keyDuration,
                    maf.path("keyId").asText(null));
            if (!registration.usable()) {
                registration = null; // forgotten: the operator's [MAFClientRegCfg] registers it again
            }
        }
        return new ManagedSettings(
                anchors,
                authentication == CseAuthentication.MAF_KEY && registration == null ? null : authentication,
                n.path("mefFqdn").asText(null),
                n.path("mefPort").asInt(0),
                registration,
                n.path("firmwareName").asText(null),
                n.path("firmwareVersion").asText(null),
                applied);
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
        return () -> it;
    }
}
