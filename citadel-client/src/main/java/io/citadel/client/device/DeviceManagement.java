package io.citadel.client.device;

import io.citadel.client.OneM2mClient;
import io.citadel.client.device.ManagedSettings.CseAuthentication;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.mef.MmefNames;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A device applying the security administration and firmware objects its operator writes (TS-0003 §8.3.9.9, TS-0004
 * Annex D), whether they come as {@code <mgmtObj>} resources under its {@code <node>} ({@link NodeFollower}) or as MEF
 * MO_NODE commands ({@link MefCommands}):
 *
 * <ul>
 *   <li>[trustAnchorCred] (1024): a CA certificate fetched and checked by its fingerprint ({@link TrustAnchorFetch})
 *       becomes a trust anchor for its CSE and its MEF; the object deleted, the anchor goes;
 *   <li>[authenticationProfile] (1022): SUID 42 (certificate TLS, {@code mcfp} the certificate it holds) or 22 (TLS-PSK
 *       with the key derived from its MEF-provisioned Ke, {@code skid} its KeID if given) to its CSE, switched only
 *       after a request over the new association succeeded;
 *   <li>[MEFClientRegCfg] (1026): the MEF at {@code fqdn}, certificate port {@code hprt}, followed only after it
 *       accepted the device as a MEF client there;
 *   <li>[firmware] (1001) with {@code ud} true: {@link FirmwareUpdate}.
 * </ul>
 *
 * Other objects ([MAFClientRegCfg]: this device has no MAF client) are refused as unacceptable. What it changes is kept
 * in its state ({@link ManagedSettings}) with its credentials.
 */
public final class DeviceManagement {
    /**
     * Where the device's CSE listens: with its certificate ({@code https://host:port}, or {@code coaps://host:port}
     * for CoAP over DTLS), with its MEF-provisioned key ({@code pskHost:pskPort}, TLS-PSK, or DTLS-PSK when
     * {@code pskOverCoap}); either may be absent (null).
     */
    public record CseEndpoints(
            String certificateUri, List<X509Certificate> trust, String pskHost, int pskPort, boolean pskOverCoap) {
        public CseEndpoints {
            trust = List.copyOf(trust);
        }

        /** HTTP over TLS for both. */
        public CseEndpoints(String certificateUri, List<X509Certificate> trust, String pskHost, int pskPort) {
            this(certificateUri, trust, pskHost, pskPort, false);
        }
    }

    static final long FIRMWARE = 1001;
    static final long AUTHENTICATION_PROFILE = 1022;
    static final long TRUST_ANCHOR = 1024;
    static final long MAF_CLIENT_REG_CFG = 1025;
    static final long MEF_CLIENT_REG_CFG = 1026;

    private final DeviceEnrolment device;
    private final CseEndpoints cse;
    private final FirmwareUpdate firmware;

    /**
     * @param firmware how it installs firmware, or null: every update refused
     */
    DeviceManagement(DeviceEnrolment device, CseEndpoints cse, FirmwareUpdate firmware) {
        if (cse.certificateUri() == null && cse.pskHost() == null) {
            throw new IllegalArgumentException("the CSE needs a certificate TLS or a TLS-PSK address");
        }
        this.device = device;
        this.cse = cse;
        this.firmware = firmware;
    }

    /** Following management objects, installing firmware signed by {@code updateKeys} with {@code installer}. */
    public static DeviceManagement of(
            DeviceEnrolment device,
            CseEndpoints cse,
            List<java.security.PublicKey> updateKeys,
            FirmwareInstaller installer,
            java.nio.file.Path scratch) {
        return new DeviceManagement(
                device, cse, new FirmwareUpdate(updateKeys, installer, scratch, FirmwareUpdate.MAX_IMAGE));
    }

    public DeviceEnrolment device() {
        return device;
    }

    /** How the device authenticates to its CSE now. */
    public CseAuthentication cseAuthentication() {
        CseAuthentication chosen = device.settings().cseAuthentication();
        if (chosen != null) {
            return chosen;
        }
        return cse.certificateUri() != null ? CseAuthentication.CERTIFICATE : CseAuthentication.ENROLMENT_KEY;
    }

    /** A client of the device's AE over the association its authentication profile says (the caller closes it). */
    public OneM2mClient cse() {
        return cse(cseAuthentication());
    }

    private OneM2mClient cse(CseAuthentication a) {
        if (a == CseAuthentication.CERTIFICATE) {
            java.net.URI u = java.net.URI.create(cse.certificateUri());
            return "coaps".equals(u.getScheme())
                    ? device.cseWithCertificateOverCoap(u.getHost(), u.getPort(), cse.trust())
                    : device.cseWithCertificate(cse.certificateUri(), cse.trust());
        }
        return cse.pskOverCoap()
                ? device.cseWithKeyOverCoap(cse.pskHost(), cse.pskPort())
                : device.cseWithKey(cse.pskHost(), cse.pskPort());
    }

    /**
     * Applies one object of specialization {@code mgd}; null when it asks for nothing (a [firmware] without
     * {@code ud}, a [deviceInfo]).
     *
     * @param node the resource ID of the device's {@code <node>} (what a firmware update is signed for)
     * @param source what the object is: its resource ID, or {@code mo:<objectPath>}
     */
    ManagementOutcome apply(long mgd, String node, String source, Map<String, Object> attrs) {
        if (mgd == TRUST_ANCHOR) {
            return trustAnchor(source, attrs);
        } else if (mgd == AUTHENTICATION_PROFILE) {
            return authenticationProfile(attrs);
        } else if (mgd == MEF_CLIENT_REG_CFG) {
            return mefConfiguration(attrs);
        } else if (mgd == MAF_CLIENT_REG_CFG) {
            return ManagementOutcome.unacceptable("this device has no MAF client");
        } else if (mgd == FIRMWARE) {
            if (!FirmwareUpdate.requested(attrs)) {
                return null;
            }
            if (firmware == null) {
                return ManagementOutcome.unacceptable("this device installs no firmware updates");
            }
            ManagedSettings s = device.settings();
            ManagementOutcome o = firmware.apply(node, attrs, s.firmwareVersion());
            if (o.isApplied()) {
                device.changeSettings(m -> m.withFirmware((String) attrs.get("fwn"), (String) attrs.get("vr")));
            }
            return o;
        }
        return null;
    }

    ManagementOutcome trustAnchor(String source, Map<String, Object> attrs) {
        ManagedSettings s = device.settings();
        boolean fromMef = source.startsWith("mo:");
        long same = s.anchors().keySet().stream()
                .filter(k -> k.startsWith("mo:") == fromMef)
                .count();
        int cap = fromMef ? ManagedSettings.MAX_MEF_ANCHORS : ManagedSettings.MAX_OBJECTS;
        if (!s.anchors().containsKey(source) && same >= cap) {
            return ManagementOutcome.unacceptable("this device holds " + cap + " trust anchors from "
                    + (fromMef ? "MEF commands" : "its node") + " already");
        }
        List<X509Certificate> known = new ArrayList<>(device.trust(cse.trust()));
        known.add(device.credentials().mefCa());
        TrustAnchorFetch.Result r = TrustAnchorFetch.fetch(attrs.get("cfp"), attrs.get("uri"), known);
        if (r.anchor() != null) {
            device.changeSettings(m -> m.withAnchor(source, r.anchor()));
        }
        return r.outcome();
    }

    /** The trust anchor {@code source} added goes with it (its object was deleted). */
    void forget(String source) {
        device.changeSettings(m -> m.withAnchor(source, null).withApplied(source, null));
    }

    ManagementOutcome authenticationProfile(Map<String, Object> attrs) {
        Long suid = number(attrs.get("suid"), attrs.get(MmefNames.SUID));
        if (suid == null) {
            return ManagementOutcome.badArguments("suid is missing");
        }
        DeviceCredentials c = device.credentials();
        CseAuthentication wanted;
        if (suid == 42) {
            if (!(attrs.get("mcfp") instanceof String mcfp)) {
                return ManagementOutcome.badArguments("SUID 42 needs mcfp, the fingerprint of the certificate to use");
            }
            try {
                if (!CertificateFingerprint.matches(mcfp, c.certificate())) {
                    return ManagementOutcome.unacceptable("mcfp names a certificate this device does not hold");
                }
            } catch (IllegalArgumentException e) {
                return ManagementOutcome.badArguments("mcfp is " + e.getMessage());
            }
            if (cse.certificateUri() == null) {
                return ManagementOutcome.unacceptable("this device knows no certificate TLS address of its CSE");
            }
            wanted = CseAuthentication.CERTIFICATE;
        } else if (suid == 22) {
            if (attrs.get("skid") != null && !c.keyId().equals(attrs.get("skid"))) {
                return ManagementOutcome.unacceptable("skid names a key this device does not hold");
            }
            if (cse.pskHost() == null) {
                return ManagementOutcome.unacceptable("this device knows no TLS-PSK address of its CSE");
            }
            wanted = CseAuthentication.ENROLMENT_KEY;
        } else {
            return ManagementOutcome.unacceptable("SUID " + suid + " is not a security association this device"
                    + " can make with its CSE (22 with its MEF-provisioned key, 42 with its certificate)");
        }
        String how = wanted == CseAuthentication.CERTIFICATE
                ? "certificate TLS (SUID 42)"
                : "TLS-PSK with its MEF-provisioned key (SUID 22)";
        if (wanted == cseAuthentication()) {
            device.changeSettings(m -> m.withCseAuthentication(wanted));
            return ManagementOutcome.applied("authenticates to its CSE by " + how + " already");
        }
        OneM2mClient probe = null;
        try {
            probe = cse(wanted);
            ResponsePrimitive r = probe.retrieve(c.cseId());
            if (r.status().code() != 2000) {
                return ManagementOutcome.failed("its CSE refused a request over " + how + " ("
                        + r.status().code() + "): not switched");
            }
        } catch (RuntimeException e) {
            return ManagementOutcome.failed("no " + how + " with its CSE: not switched");
        } finally {
            if (probe != null) {
                probe.transport().close();
            }
        }
        device.changeSettings(m -> m.withCseAuthentication(wanted));
        return ManagementOutcome.applied("authenticates to its CSE by " + how);
    }

    ManagementOutcome mefConfiguration(Map<String, Object> attrs) {
        if (!(attrs.get("fqdn") instanceof String fqdn)
                || !fqdn.matches("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+")) {
            return ManagementOutcome.badArguments("fqdn is missing or not a domain name");
        }
        Long port = number(attrs.get("hprt"), null);
        if (port == null) {
            return ManagementOutcome.unacceptable("this device reaches its MEF over HTTPS: hprt is needed");
        }
        if (port < 1 || port > 65535) {
            return ManagementOutcome.badArguments("hprt is not a port");
        }
        String name = fqdn.toLowerCase(java.util.Locale.ROOT);
        if (name.equals(device.mefFqdn()) && port == device.mefPort()) {
            return ManagementOutcome.applied("follows the MEF " + name + ":" + port + " already");
        }
        DeviceEnrolment.Answer a;
        try {
            a = device.overCertificate(
                    name,
                    port.intValue(),
                    "POST",
                    MmefNames.CLIENTS_PATH,
                    "{}".getBytes(StandardCharsets.UTF_8),
                    MefCommands.MAX_JSON,
                    "MEF client registration");
        } catch (EnrolmentException e) {
            return ManagementOutcome.failed("the MEF " + name + ":" + port + " could not be reached: not switched");
        }
        if (a.status() != 201 && a.status() != 409) {
            return ManagementOutcome.failed(
                    "the MEF " + name + ":" + port + " refused its registration (" + a.status() + "): not switched");
        }
        device.changeSettings(m -> m.withMef(name, port.intValue()));
        return ManagementOutcome.applied("follows the MEF " + name + ":" + port);
    }

    /** A whole number given as a number or as decimal text (a MEF command's arguments are text). */
    private static Long number(Object value, Object alternative) {
        Object v = value != null ? value : alternative;
        if (v instanceof Number n && n.doubleValue() == n.longValue()) {
            return n.longValue();
        }
        if (v instanceof String s && s.matches("[0-9]{1,9}")) {
            return Long.parseLong(s);
        }
        return null;
    }
}
