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
 *   <li>[MAFClientRegCfg] (1025): the device registers as a client of the MAF at {@code fqdn}, TLS-PSK port
 *       {@code hprt}, with the master key its MEF provisioned (SUID 21, {@link MafClient}); the object deleted, it
 *       de-registers. An [authenticationProfile] with SUID 32 then has it register a key for its CSE at that MAF and
 *       use it (the MAF-based SAEF);
 *   <li>[firmware] (1001) with {@code ud} true: {@link FirmwareUpdate}.
 * </ul>
 *
 * What it changes is kept in its state ({@link ManagedSettings}) with its credentials; a key registered at the MAF
 * for the CSE is kept in memory only, until a minute before its end (a restart registers a new one).
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
    private static final String FQDN = "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+";

    private final DeviceEnrolment device;
    private final CseEndpoints cse;
    private final FirmwareUpdate firmware;
    /** The key registered at the MAF for the CSE (SUID 32), or null; replaced a minute before its end. */
    private MafClient.CseKey mafCseKey;
    /** How long a key registered at the MAF is asked to last ({@code krd} of the profile), or null: the MAF's default. */
    private java.time.Duration mafKeyDuration;

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
        if (a == CseAuthentication.MAF_KEY) {
            MafClient.CseKey k = mafCseKey();
            return device.cseWithPsk(cse.pskHost(), cse.pskPort(), k.keyId(), k.key(), cse.pskOverCoap());
        }
        return cse.pskOverCoap()
                ? device.cseWithKeyOverCoap(cse.pskHost(), cse.pskPort())
                : device.cseWithKey(cse.pskHost(), cse.pskPort());
    }

    /** The key for the CSE registered at the MAF, registered anew when there is none or it ends within a minute. */
    private synchronized MafClient.CseKey mafCseKey() {
        ManagedSettings.MafRegistration maf = device.settings().maf();
        if (maf == null) {
            throw new EnrolmentException("this device is no MAF client: no key for its CSE from a MAF");
        }
        java.time.Instant soon = java.time.Instant.now().plusSeconds(60);
        if (mafCseKey == null
                || !mafCseKey.notAfter().isAfter(soon)
                || !mafCseKey.keyId().endsWith("@" + maf.fqdn())) {
            mafCseKey =
                    MafClient.registerKeyFor(device, maf, device.credentials().cseId(), mafKeyDuration);
        }
        return mafCseKey;
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
            return mafConfiguration(source, attrs);
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

    /**
     * What {@code source} changed goes with it (its object was deleted): the trust anchor it added; the MAF
     * registration it made, ended at the MAF (best effort: the MAF's own expiry ends it otherwise), and with it an
     * association by a MAF key (back to as started).
     */
    void forget(String source) {
        ManagedSettings.MafRegistration maf = device.settings().maf();
        if (maf != null && source.equals(maf.source())) {
            try {
                MafClient.deregister(device, maf);
            } catch (EnrolmentException e) {
                System.getLogger("citadel.device")
                        .log(System.Logger.Level.WARNING, "MAF de-registration not confirmed: " + e.getMessage());
            }
            synchronized (this) {
                mafCseKey = null;
            }
            device.changeSettings(m -> {
                ManagedSettings next = m.withMaf(null);
                return next.cseAuthentication() == CseAuthentication.MAF_KEY ? next.withCseAuthentication(null) : next;
            });
        }
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
        } else if (suid == MafClient.MAF_SAEF) {
            if (device.settings().maf() == null) {
                return ManagementOutcome.unacceptable(
                        "SUID 32 needs a MAF: this device is no MAF client ([MAFClientRegCfg] first)");
            }
            if (cse.pskHost() == null) {
                return ManagementOutcome.unacceptable("this device knows no TLS-PSK address of its CSE");
            }
            if (attrs.get("krd") != null) {
                try {
                    java.time.Duration krd = java.time.Duration.parse(String.valueOf(attrs.get("krd")));
                    if (krd.compareTo(java.time.Duration.ofMinutes(2)) < 0) {
                        return ManagementOutcome.unacceptable("krd is shorter than two minutes");
                    }
                    synchronized (this) {
                        if (!krd.equals(mafKeyDuration)) {
                            mafKeyDuration = krd;
                            mafCseKey = null;
                        }
                    }
                } catch (java.time.format.DateTimeParseException e) {
                    return ManagementOutcome.badArguments("krd is not a duration");
                }
            }
            wanted = CseAuthentication.MAF_KEY;
        } else {
            return ManagementOutcome.unacceptable("SUID " + suid + " is not a security association this device"
                    + " can make with its CSE (22 with its MEF-provisioned key, 32 with a key from its MAF, 42 with"
                    + " its certificate)");
        }
        String how = switch (wanted) {
            case CERTIFICATE -> "certificate TLS (SUID 42)";
            case ENROLMENT_KEY -> "TLS-PSK with its MEF-provisioned key (SUID 22)";
            case MAF_KEY -> "TLS-PSK with a key from its MAF (SUID 32)";
        };
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
        } catch (EnrolmentException e) { // the MAF would not register a key: its line
            return ManagementOutcome.failed(e.getMessage() + ": not switched");
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
        if (!(attrs.get("fqdn") instanceof String fqdn) || !fqdn.matches(FQDN)) {
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

    /**
     * [MAFClientRegCfg]: registers at the MAF {@code fqdn} on TLS-PSK port {@code hprt}; a registration at another
     * MAF (or another port) is ended once the new one stands.
     */
    ManagementOutcome mafConfiguration(String source, Map<String, Object> attrs) {
        if (!(attrs.get("fqdn") instanceof String fqdn) || !fqdn.matches(FQDN)) {
            return ManagementOutcome.badArguments("fqdn is missing or not a domain name");
        }
        Long port = number(attrs.get("hprt"), null);
        if (port == null) {
            return ManagementOutcome.unacceptable("this device reaches its MAF over HTTPS: hprt is needed");
        }
        if (port < 1 || port > 65535) {
            return ManagementOutcome.badArguments("hprt is not a port");
        }
        String name = fqdn.toLowerCase(java.util.Locale.ROOT);
        if (device.credentials().keyId() == null) {
            return ManagementOutcome.unacceptable(
                    "this device holds no MEF-provisioned key to derive its MAF master key from");
        }
        ManagedSettings.MafRegistration before = device.settings().maf();
        if (before != null && before.fqdn().equals(name) && before.port() == port) {
            device.changeSettings(m -> m.withMaf(new ManagedSettings.MafRegistration(
                    source, before.fqdn(), before.port(), before.regId(), before.assignedKmId())));
            return ManagementOutcome.applied("is a client of the MAF " + name + ":" + port + " already");
        }
        ManagedSettings.MafRegistration registered;
        try {
            registered = MafClient.register(device, source, name, port.intValue());
        } catch (EnrolmentException e) {
            return ManagementOutcome.failed(e.getMessage() + ": not registered");
        }
        device.changeSettings(m -> m.withMaf(registered));
        synchronized (this) {
            mafCseKey = null;
        }
        if (before != null) {
            try {
                MafClient.deregister(device, before);
            } catch (EnrolmentException e) {
                System.getLogger("citadel.device")
                        .log(System.Logger.Level.WARNING, "MAF de-registration not confirmed: " + e.getMessage());
            }
        }
        return ManagementOutcome.applied("registered as client " + registered.regId() + " of the MAF " + name + ":"
                + port + (registered.assignedKmId() == null ? "" : ", assigned KmID " + registered.assignedKmId()));
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
