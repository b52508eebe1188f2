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
 * to its CSE ([authenticationProfile]), where its MEF is now ([MEFClientRegCfg]), the firmware it installed, and which
 * version ({@code lt}) of each object it applied.
 *
 * @param anchors source (a mgmtObj's resource ID, or {@code mo:<objectPath>} for a MEF command) → trust anchor
 * @param cseAuthentication how it authenticates to its CSE, or null: as started
 * @param mefFqdn the MEF it follows now, or null: the one it enrolled with
 * @param mefPort that MEF's certificate port (0 with a null {@code mefFqdn})
 * @param firmwareName the firmware it runs, or null: as started
 * @param applied source → the {@code lt} of the object last applied (or reported as refused)
 */
public record ManagedSettings(
        Map<String, X509Certificate> anchors,
        CseAuthentication cseAuthentication,
        String mefFqdn,
        int mefPort,
        String firmwareName,
        String firmwareVersion,
        Map<String, String> applied) {
    static final ManagedSettings NONE = new ManagedSettings(Map.of(), null, null, 0, null, null, Map.of());
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
        ENROLMENT_KEY
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
        return new ManagedSettings(next, cseAuthentication, mefFqdn, mefPort, firmwareName, firmwareVersion, applied);
    }

    ManagedSettings withCseAuthentication(CseAuthentication a) {
        return new ManagedSettings(anchors, a, mefFqdn, mefPort, firmwareName, firmwareVersion, applied);
    }

    ManagedSettings withMef(String fqdn, int port) {
        return new ManagedSettings(anchors, cseAuthentication, fqdn, port, firmwareName, firmwareVersion, applied);
    }

    ManagedSettings withFirmware(String name, String version) {
        return new ManagedSettings(anchors, cseAuthentication, mefFqdn, mefPort, name, version, applied);
    }

    /** Records the {@code lt} applied for {@code source} (null: forgets it). */
    ManagedSettings withApplied(String source, String lastModified) {
        Map<String, String> next = new LinkedHashMap<>(applied);
        if (lastModified == null) {
            next.remove(source);
        } else {
            next.put(source, lastModified);
        }
        return new ManagedSettings(anchors, cseAuthentication, mefFqdn, mefPort, firmwareName, firmwareVersion, next);
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
        String auth = n.path("cseAuthentication").asText(null);
        return new ManagedSettings(
                anchors,
                auth == null ? null : CseAuthentication.valueOf(auth),
                n.path("mefFqdn").asText(null),
                n.path("mefPort").asInt(0),
                n.path("firmwareName").asText(null),
                n.path("firmwareVersion").asText(null),
                applied);
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
        return () -> it;
    }
}
