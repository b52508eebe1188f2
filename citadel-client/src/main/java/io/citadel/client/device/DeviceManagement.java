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
    private static final String FQDN = ManagedSettings.MafRegistration.FQDN;

    private final DeviceEnrolment device;
    private final CseEndpoints cse;
    private final FirmwareUpdate firmware;
    /** Its registration as a MAF client and the key it registered there for its CSE. */
    private final MafAssociation maf;

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
        this.maf = new MafAssociation(device);
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

    /** How the device authenticated to its CSE when it started (before any [authenticationProfile]). */
    private CseAuthentication started() {
        return cse.certificateUri() != null ? CseAuthentication.CERTIFICATE : CseAuthentication.ENROLMENT_KEY;
    }

    /** A client over TLS-PSK (or DTLS-PSK) with a key from the MAF; the key is zeroed once the transport holds it. */
    private OneM2mClient overMafKey(MafClient.CseKey k) {
        try {
            return device.cseWithPsk(cse.pskHost(), cse.pskPort(), k.keyId(), k.key(), cse.pskOverCoap());
        } finally {
            k.zero();
        }
    }

    /** Null when the CSE answers a RETRIEVE of itself over {@code client} with 2000; else why not. */
    private String probe(java.util.function.Supplier<OneM2mClient> client, String how) {
        OneM2mClient c = null;
        try {
            c = client.get();
            ResponsePrimitive r = c.retrieve(device.credentials().cseId());
            return r.status().code() == 2000
                    ? null
                    : "its CSE refused a request over " + how + " ("
                            + r.status().code() + ")";
        } catch (EnrolmentException e) {
            return e.getMessage();
        } catch (RuntimeException e) {
            return "no " + how + " with its CSE";
        } finally {
            if (c != null) {
                c.transport().close();
            }
        }
    }

    /**
     * A pairwise ESPrim key for the device's CSE from its MAF (SUID 33, TS-0003 §8.4.2): registered there for that CSE,
     * which fetches it by its ID on first sight. Use it with {@link io.citadel.client.EsprimClient} ({@code kid} the
     * key's ID); the caller zeroes it ({@link EsprimKey#destroy}).
     *
     * @param lifetime how long the key should last (the MAF may give less)
     */
    public DistributedKey esprimKeyFromMaf(java.time.Duration lifetime) {
        return handOver(maf.esprimKey(lifetime));
    }

    /**
     * An ESData key from the device's MAF (TS-0003 §8.5, §8.8): registered there for {@code targets} (the AE-IDs or
     * CSE-IDs that may retrieve it, 1 to 16), SUID 34 for encryption (A128KW; nested) or 35 for a MIC (HS256). Use its
     * ID as the {@code kid} of {@link io.citadel.e2e.esdata.EsData}; a target gets the key with {@link #mafKey}. The
     * caller zeroes it.
     */
    public DistributedKey esdataKeyFromMaf(int suid, List<String> targets, java.time.Duration lifetime) {
        return handOver(maf.esdataKey(suid, targets, lifetime));
    }

    /**
     * Key Retrieval: the key {@code keyId} of SUID {@code suid} that another client of the device's MAF registered
     * with this device among its targets (the MAF refuses others). The caller zeroes it.
     */
    public DistributedKey mafKey(String keyId, int suid) {
        return handOver(maf.retrieve(keyId, suid));
    }

    private static DistributedKey handOver(MafClient.CseKey k) {
        try {
            return new DistributedKey(k.keyId(), k.key(), k.notAfter());
        } finally {
            k.zero();
        }
    }

    /**
     * A key a MAF distributed: its ID, the key (its accessor gives this record's own array: {@link #destroy} zeroes it)
     * and its end.
     */
    public record DistributedKey(String kid, byte[] key, java.time.Instant notAfter) {
        public DistributedKey {
            key = key.clone();
        }

        /**
         * The key's first half (a copy), for a protocol that takes one 128-bit key, such as ESData's A128KW or
         * A128GCM: TS-0003 takes the first half of a distributed key when the protocol needs one key.
         */
        public byte[] firstHalf() {
            return java.util.Arrays.copyOf(key, key.length / 2);
        }

        /** Overwrites the key. */
        public void destroy() {
            java.util.Arrays.fill(key, (byte) 0);
        }

        @Override
        public String toString() {
            return "DistributedKey[" + kid + " until " + notAfter + "]"; // never the key
        }
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
            MafClient.CseKey k;
            try {
                k = maf.key();
            } catch (EnrolmentException e) { // still manageable: the association it started with
                System.getLogger("citadel.device")
                        .log(
                                System.Logger.Level.WARNING,
                                "no key from the MAF for the CSE (" + e.getMessage()
                                        + "); connecting as started instead");
                return cse(started());
            }
            return overMafKey(k);
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
        maf.forget(source);
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
            return mafProfile(attrs);
        } else {
            return ManagementOutcome.unacceptable("SUID " + suid + " is not a security association this device"
                    + " can make with its CSE (22 with its MEF-provisioned key, 32 with a key from its MAF, 42 with"
                    + " its certificate)");
        }
        String how = switch (wanted) {
            case CERTIFICATE -> "certificate TLS (SUID 42)";
            case ENROLMENT_KEY -> "TLS-PSK with its MEF-provisioned key (SUID 22)";
            case MAF_KEY -> BY_MAF_KEY;
        };
        if (wanted == cseAuthentication()) {
            device.changeSettings(m -> m.withCseAuthentication(wanted));
            return ManagementOutcome.applied("authenticates to its CSE by " + how + " already");
        }
        String refused = probe(() -> cse(wanted), how);
        if (refused != null) {
            return ManagementOutcome.failed(refused + ": not switched");
        }
        device.changeSettings(m -> m.withCseAuthentication(wanted));
        return ManagementOutcome.applied("authenticates to its CSE by " + how);
    }

    private static final String BY_MAF_KEY = "TLS-PSK with a key from its MAF (SUID 32)";

    /**
     * SUID 32, the MAF-based SAEF: a key for the CSE registered at its MAF to last {@code krd} (2 minutes to 30 days;
     * none: as the MAF gives), switched to only once the CSE took a request over it, also when only {@code krd}
     * changed.
     */
    private ManagementOutcome mafProfile(Map<String, Object> attrs) {
        if (device.settings().maf() == null) {
            return ManagementOutcome.unacceptable(
                    "SUID 32 needs a MAF: this device is no MAF client ([MAFClientRegCfg] first)");
        }
        if (cse.pskHost() == null) {
            return ManagementOutcome.unacceptable("this device knows no TLS-PSK address of its CSE");
        }
        java.time.Duration krd = null;
        if (attrs.get("krd") != null) {
            try {
                krd = java.time.Duration.parse(String.valueOf(attrs.get("krd")));
            } catch (java.time.format.DateTimeParseException e) {
                return ManagementOutcome.badArguments("krd is not a duration");
            }
            if (krd.compareTo(MafAssociation.MIN_KEY_DURATION) < 0
                    || krd.compareTo(MafAssociation.MAX_KEY_DURATION) > 0) {
                return ManagementOutcome.unacceptable("krd is not between two minutes and 30 days");
            }
        }
        if (cseAuthentication() == CseAuthentication.MAF_KEY && java.util.Objects.equals(krd, maf.keyDuration())) {
            return ManagementOutcome.applied("authenticates to its CSE by " + BY_MAF_KEY + " already");
        }
        ManagementOutcome refused = maf.switchKey(krd, k -> probe(() -> overMafKey(k.copy()), BY_MAF_KEY));
        if (refused != null) {
            return refused;
        }
        device.changeSettings(m -> m.withCseAuthentication(CseAuthentication.MAF_KEY));
        return ManagementOutcome.applied("authenticates to its CSE by " + BY_MAF_KEY);
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
        return maf.configure(
                source,
                name,
                port.intValue(),
                cseAuthentication() == CseAuthentication.MAF_KEY,
                k -> probe(() -> overMafKey(k.copy()), BY_MAF_KEY));
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
