package io.citadel.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test and operator PKI per the oneM2M certificate profile (TS-0003 §10.1, digest §4): P-256 keys,
 * ECDSA-SHA256 signatures, a CA whose name constraints limit it to one M2M Service Provider's domain, and
 * end-entity certificates of the CSE-ID flavour (dNSName {@code <cse-id>.<sp-domain>}), AE-ID flavour (URI
 * {@code onem2m://<sp-domain>/<cse-id>/<ae-id>}, the absolute AE-ID with a scheme so that X.509 name constraints
 * apply) and FQDN flavour (dNSName, plus IP addresses for servers reached by address).
 */
public final class CertificateAuthority {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final KeyPair keys;
    private final X509Certificate certificate;
    /** The provider that signs with the CA key (a PKCS#11 token's), or null for the default software one. */
    private final java.security.Provider signer;

    private CertificateAuthority(KeyPair keys, X509Certificate certificate) {
        this(keys, certificate, null);
    }

    private CertificateAuthority(KeyPair keys, X509Certificate certificate, java.security.Provider signer) {
        this.keys = keys;
        this.certificate = certificate;
        this.signer = signer;
    }

    /**
     * A new CA whose key is generated in a token ({@code provider}, e.g. SunPKCS11 over SoftHSM2) and never leaves it:
     * the key and its self-signed certificate are stored in {@code token} under {@code alias}; every certificate
     * and CRL is signed inside the token.
     */
    public static CertificateAuthority createIn(
            java.security.Provider provider,
            java.security.KeyStore token,
            String alias,
            String spDomain,
            Duration validity) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", provider);
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair kp = g.generateKeyPair();
            X509Certificate cert = selfSigned(kp, spDomain, validity, provider);
            token.setKeyEntry(alias, kp.getPrivate(), null, new java.security.cert.Certificate[] {cert});
            return new CertificateAuthority(kp, cert, provider);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create the CA in the token: " + e.getMessage(), e);
        }
    }

    /** The CA whose key and certificate are in {@code token} under {@code alias}; it signs there. */
    public static CertificateAuthority loadFrom(
            java.security.Provider provider, java.security.KeyStore token, String alias) {
        try {
            if (!(token.getKey(alias, null) instanceof PrivateKey key)
                    || !(token.getCertificate(alias) instanceof X509Certificate cert)) {
                throw new IllegalArgumentException("the token holds no CA key and certificate named " + alias);
            }
            return new CertificateAuthority(new KeyPair(cert.getPublicKey(), key), cert, provider);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the CA from the token: " + e.getMessage());
        }
    }

    /** A signer with the CA key (ECDSA-SHA256, in the token when the key is there), e.g. for OCSP responses. */
    public org.bouncycastle.operator.ContentSigner contentSigner() {
        try {
            return signerBuilder(signer).build(keys.getPrivate());
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign with the CA key: " + e.getMessage(), e);
        }
    }

    /** Whether the CA key is in a token (it signs there) rather than in software. */
    public boolean inToken() {
        return signer != null;
    }

    /** An end-entity credential: key pair and certificate (chain = this plus the CA's). */
    public record Issued(PrivateKey key, X509Certificate certificate, X509Certificate ca) {}

    public X509Certificate certificate() {
        return certificate;
    }

    /** A new CA for {@code spDomain} (e.g. {@code citadel.example}), name-constrained to it. */
    public static CertificateAuthority create(String spDomain, Duration validity) {
        try {
            KeyPair kp = p256();
            return new CertificateAuthority(kp, selfSigned(kp, spDomain, validity, null));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create the CA: " + e.getMessage(), e);
        }
    }

    private static X509Certificate selfSigned(
            KeyPair kp, String spDomain, Duration validity, java.security.Provider provider)
            throws GeneralSecurityException, IOException {
        {
            X500Name name = new X500Name("CN=Citadel test CA for " + spDomain);
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    name,
                    serial(),
                    Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(validity)),
                    name,
                    kp.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
            b.addExtension(
                    Extension.nameConstraints,
                    true,
                    new NameConstraints(
                            new GeneralSubtree[] {
                                new GeneralSubtree(new GeneralName(GeneralName.dNSName, spDomain)),
                                new GeneralSubtree(new GeneralName(GeneralName.uniformResourceIdentifier, spDomain)),
                                new GeneralSubtree(new GeneralName(
                                        GeneralName.iPAddress,
                                        new org.bouncycastle.asn1.DEROctetString(
                                                new byte[] {127, 0, 0, 0, (byte) 255, 0, 0, 0}))),
                            },
                            null));
            return sign(b, kp.getPrivate(), provider);
        }
    }

    /** CSE-ID certificate: dNSName {@code <cse-id without slash>.<sp-domain>}. */
    public Issued issueCse(String cseId, String spDomain, Duration validity) {
        String dns = cseId.replaceFirst("^/", "") + "." + spDomain;
        return issue("CN=" + dns, List.of(cseName(cseId, spDomain)), validity, true, true);
    }

    /**
     * AE-ID certificate: URI {@code onem2m://<sp-domain>/<cse-id>/<ae-id>}, for client and server
     * authentication (an AE serves its notifications over (D)TLS with the same certificate).
     */
    public Issued issueAe(String aeId, String cseId, String spDomain, Duration validity) {
        return issue("CN=" + aeId, List.of(aeName(aeId, cseId, spDomain)), validity, true, true);
    }

    /**
     * The FQDN certificate of a service (a MEF, a MAF) that is also a client of other services: serverAuth and
     * clientAuth.
     */
    public Issued issueService(String dns, Duration validity) {
        return issue("CN=" + dns, List.of(new GeneralName(GeneralName.dNSName, dns)), validity, true, true);
    }

    /** FQDN (server) certificate with optional IP addresses. */
    public Issued issueServer(String dns, List<String> ips, Duration validity) {
        List<GeneralName> names = new ArrayList<>(List.of(new GeneralName(GeneralName.dNSName, dns)));
        ips.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
        return issue("CN=" + dns, names, validity, true, false);
    }

    /** A CSE-ID certificate for a key pair made elsewhere (e.g. generated inside a PKCS#11 token). */
    public X509Certificate certifyCse(java.security.PublicKey key, String cseId, String spDomain, Duration validity) {
        String dns = cseId.replaceFirst("^/", "") + "." + spDomain;
        try {
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    certificate,
                    serial(),
                    Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(validity)),
                    new X500Name("CN=" + dns),
                    key);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
            }));
            b.addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, dns)));
            return sign(b, keys.getPrivate(), signer);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot certify " + dns + ": " + e.getMessage(), e);
        }
    }

    /** Any validity window, e.g. one that has already ended (tests of expired certificates). */
    public Issued issue(
            String subject,
            List<GeneralName> names,
            Instant notBefore,
            Instant notAfter,
            boolean server,
            boolean client) {
        KeyPair kp;
        try {
            kp = p256();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a P-256 key: " + e.getMessage(), e);
        }
        return new Issued(
                kp.getPrivate(),
                certify(kp.getPublic(), subject, names, notBefore, notAfter, server, client),
                certificate);
    }

    /**
     * An end-entity certificate of this profile for a public key made elsewhere (a device's, from its certificate
     * signing request): the subject and names are the caller's decision, never taken from the request.
     */
    public X509Certificate certify(
            java.security.PublicKey key,
            String subject,
            List<GeneralName> names,
            Instant notBefore,
            Instant notAfter,
            boolean server,
            boolean client) {
        return certify(key, subject, names, notBefore, notAfter, server, client, List.of());
    }

    /** The same, stating the certificate policies {@code policyOids} (RFC 5280 §4.2.1.4) when there are any. */
    public X509Certificate certify(
            java.security.PublicKey key,
            String subject,
            List<GeneralName> names,
            Instant notBefore,
            Instant notAfter,
            boolean server,
            boolean client,
            List<String> policyOids) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    certificate, serial(), Date.from(notBefore), Date.from(notAfter), new X500Name(subject), key);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            List<KeyPurposeId> purposes = new ArrayList<>();
            if (server) {
                purposes.add(KeyPurposeId.id_kp_serverAuth);
            }
            if (client) {
                purposes.add(KeyPurposeId.id_kp_clientAuth);
            }
            b.addExtension(
                    Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)));
            b.addExtension(
                    Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
            if (!policyOids.isEmpty()) {
                b.addExtension(
                        Extension.certificatePolicies,
                        false,
                        new org.bouncycastle.asn1.x509.CertificatePolicies(policyOids.stream()
                                .map(oid -> new org.bouncycastle.asn1.x509.PolicyInformation(
                                        new org.bouncycastle.asn1.ASN1ObjectIdentifier(oid)))
                                .toArray(org.bouncycastle.asn1.x509.PolicyInformation[]::new)));
            }
            return sign(b, keys.getPrivate(), signer);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue " + subject + ": " + e.getMessage(), e);
        }
    }

    /**
     * A delegated OCSP signer of this CA (RFC 6960 §4.2.2.2): a fresh P-256 key in memory, EKU id-kp-OCSPSigning and
     * id-pkix-ocsp-nocheck (its own status is not asked: it lives {@code validity}, short), so that OCSP answers are
     * signed without the CA key (which may be in a token) at every request.
     */
    public Issued issueOcspSigner(Duration validity) {
        try {
            KeyPair kp = p256();
            Instant now = Instant.now();
            X500Name subject = new org.bouncycastle.asn1.x500.X500NameBuilder(
                            org.bouncycastle.asn1.x500.style.BCStyle.INSTANCE)
                    .addRDN(org.bouncycastle.asn1.x500.style.BCStyle.CN, "OCSP signer")
                    .build();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    certificate,
                    serial(),
                    Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(validity)),
                    subject,
                    kp.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning));
            b.addExtension(
                    org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers.id_pkix_ocsp_nocheck,
                    false,
                    org.bouncycastle.asn1.DERNull.INSTANCE);
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
            return new Issued(kp.getPrivate(), sign(b, keys.getPrivate(), signer), certificate);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue an OCSP signer: " + e.getMessage(), e);
        }
    }

    /** The SAN of an AE-ID certificate: URI {@code onem2m://<sp-domain>/<cse-id>/<ae-id>}. */
    public static GeneralName aeName(String aeId, String cseId, String spDomain) {
        return new GeneralName(
                GeneralName.uniformResourceIdentifier,
                "onem2m://" + spDomain + "/" + cseId.replaceFirst("^/", "") + "/" + aeId);
    }

    /** The SAN of a CSE-ID certificate: dNSName {@code <cse-id without slash>.<sp-domain>}. */
    public static GeneralName cseName(String cseId, String spDomain) {
        return new GeneralName(GeneralName.dNSName, cseId.replaceFirst("^/", "") + "." + spDomain);
    }

    private Issued issue(String subject, List<GeneralName> names, Duration validity, boolean server, boolean client) {
        Instant now = Instant.now();
        return issue(subject, names, now.minusSeconds(60), now.plus(validity), server, client);
    }

    /** A CRL signed by this CA listing the given serial numbers, valid for {@code validity}. */
    public java.security.cert.X509CRL crl(List<BigInteger> revoked, Duration validity) {
        java.util.Map<BigInteger, Instant> at = new java.util.LinkedHashMap<>();
        Instant now = Instant.now().minusSeconds(1);
        revoked.forEach(serial -> at.put(serial, now));
        return crl(at, validity);
    }

    /** A CRL signed by this CA listing the given serial numbers with when each was revoked. */
    public java.security.cert.X509CRL crl(java.util.Map<BigInteger, Instant> revoked, Duration validity) {
        try {
            Instant now = Instant.now();
            org.bouncycastle.cert.X509v2CRLBuilder b = new org.bouncycastle.cert.X509v2CRLBuilder(
                    org.bouncycastle.asn1.x500.X500Name.getInstance(
                            certificate.getSubjectX500Principal().getEncoded()),
                    Date.from(now.minusSeconds(60)));
            b.setNextUpdate(Date.from(now.plus(validity)));
            revoked.forEach((serial, when) ->
                    b.addCRLEntry(serial, Date.from(when), org.bouncycastle.asn1.x509.CRLReason.keyCompromise));
            return new org.bouncycastle.cert.jcajce.JcaX509CRLConverter()
                    .getCRL(b.build(signerBuilder(signer).build(keys.getPrivate())));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot sign the CRL: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- files

    /** Writes {@code ca.pem} (the certificate only: for a CA in a token, nothing else can be written). */
    public void saveCertificate(Path dir) {
        write(dir.resolve("ca.pem"), pem(certificate), false);
    }

    /** Writes {@code ca.pem} and {@code ca.key} (0600) into {@code dir}. */
    public void save(Path dir) {
        if (signer != null) {
            throw new IllegalStateException("the CA key is in a token and cannot be written to a file");
        }
        write(dir.resolve("ca.pem"), pem(certificate), false);
        write(dir.resolve("ca.key"), pem(keys.getPrivate()), true);
    }

    public static CertificateAuthority load(Path dir) {
        try (PEMParser certs = new PEMParser(Files.newBufferedReader(dir.resolve("ca.pem")));
                PEMParser key = new PEMParser(Files.newBufferedReader(dir.resolve("ca.key")))) {
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate((org.bouncycastle.cert.X509CertificateHolder) certs.readObject());
            Object k = key.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            KeyPair kp = k instanceof org.bouncycastle.openssl.PEMKeyPair pair
                    ? conv.getKeyPair(pair)
                    : new KeyPair(
                            cert.getPublicKey(), conv.getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) k));
            return new CertificateAuthority(kp, cert);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the CA in " + dir + ": " + e.getMessage());
        }
    }

    /** Writes {@code <name>.pem} (certificate then CA) and {@code <name>.key} (PKCS#8, 0600). */
    public static void save(Issued issued, Path dir, String name) {
        write(dir.resolve(name + ".pem"), pem(issued.certificate()) + pem(issued.ca()), false);
        write(dir.resolve(name + ".key"), pem(issued.key()), true);
    }

    public static String pem(Object o) {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(
                    o instanceof PrivateKey k
                            ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null).generate()
                            : o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static void write(Path file, String text, boolean secret) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (secret) { // owner-only from the first byte, not chmod after writing
                io.citadel.credentials.PrivateFiles.write(file, text.getBytes(StandardCharsets.US_ASCII));
            } else {
                Files.writeString(file, text, StandardCharsets.US_ASCII);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static KeyPair p256() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static JcaContentSignerBuilder signerBuilder(java.security.Provider provider) {
        JcaContentSignerBuilder b = new JcaContentSignerBuilder("SHA256withECDSA");
        return provider == null ? b : b.setProvider(provider);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key, java.security.Provider provider)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(b.build(signerBuilder(provider).build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
