package io.citadel.bench;

import io.citadel.e2e.esdata.EsData;
import io.citadel.e2e.esdata.EsDataSignatures;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of ESData (TS-0003 §8.5) per content item of ~70 bytes (a sensor reading): at the source, {@code signEs256}
 * (with the certificate in {@code x5c}), {@code encryptA128kw} (a registered key), {@code encryptEcdhEs} (to the
 * target's certificate) and {@code signThenEncrypt}; at the hosting CSE of a container with {@code esdp} 2,
 * {@code cseVerifySigned} (format, chain to the anchor, leaf checks, ES256 verification); at the target,
 * {@code openA128kw}, {@code openEcdhEs}, {@code openSignedThenEncrypted}. Keys and certificates are made in process
 * (P-256, a CA and an end-entity certificate it issued).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EsDataBenchmark {

    @State(Scope.Thread)
    public static class Keys {
        final byte[] reading = "{\"t\":21.53,\"h\":48.2,\"p\":1013.25,\"ts\":\"20250101T120000\",\"bat\":87}"
                .getBytes(StandardCharsets.UTF_8);
        final byte[] registered = new byte[16];
        KeyPair source;
        KeyPair target;
        X509Certificate ca;
        X509Certificate sourceCert;
        X509Certificate targetCert;
        EsDataSignatures cse;
        EsData.Keys targetKeys;
        String signed;
        String a128kw;
        String ecdhEs;
        String nested;

        @Setup
        public void setUp() throws Exception {
            new SecureRandom().nextBytes(registered);
            KeyPair caKeys = p256();
            source = p256();
            target = p256();
            ca = certificate("CN=bench-ca", caKeys, "CN=bench-ca", caKeys, true, null);
            sourceCert = certificate(
                    "CN=source", source, "CN=bench-ca", caKeys, false, "onem2m://citadel.example/id-in/Csource");
            targetCert = certificate("CN=target", target, "CN=bench-ca", caKeys, false, null);
            cse = new EsDataSignatures(List.of(ca));
            targetKeys = new EsData.Keys() {
                @Override
                public Optional<byte[]> symmetric(String kid) {
                    return kid.equals("14-reg@citadel.example") ? Optional.of(registered.clone()) : Optional.empty();
                }

                @Override
                public Optional<KeyPair> decryption(String kid) {
                    return kid.equals("target") ? Optional.of(target) : Optional.empty();
                }

                @Override
                public Optional<java.security.PublicKey> verification(String kid) {
                    return kid.equals("source") ? Optional.of(source.getPublic()) : Optional.empty();
                }
            };
            signed = signEs256(this);
            a128kw = encryptA128kw(this);
            ecdhEs = encryptEcdhEs(this);
            nested = signThenEncrypt(this);
            cse.verify(signed, Instant.now()); // the set-up is right, or the benchmark measures a refusal
        }

        static KeyPair p256() throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        }

        static X509Certificate certificate(
                String subject, KeyPair keys, String issuer, KeyPair issuerKeys, boolean ca, String uri)
                throws Exception {
            Date from = new Date(System.currentTimeMillis() - 60_000);
            Date to = new Date(System.currentTimeMillis() + 86_400_000L);
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    new X500Name(issuer),
                    BigInteger.valueOf(new SecureRandom().nextInt(Integer.MAX_VALUE)),
                    from,
                    to,
                    new X500Name(subject),
                    keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            b.addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(ca ? KeyUsage.keyCertSign : KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            if (uri != null) {
                b.addExtension(
                        Extension.subjectAlternativeName,
                        false,
                        new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, uri)));
            }
            return new JcaX509CertificateConverter()
                    .getCertificate(
                            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        }
    }

    @Benchmark
    public static String signEs256(Keys k) {
        return EsData.sign(
                        k.reading, new EsData.CertificateSigner("source", k.source.getPrivate(), List.of(k.sourceCert)))
                .envelope();
    }

    @Benchmark
    public static String encryptA128kw(Keys k) {
        return EsData.encrypt(
                        k.reading,
                        List.of(new EsData.SymmetricRecipient("14-reg@citadel.example", k.registered)),
                        false)
                .envelope();
    }

    @Benchmark
    public static String encryptEcdhEs(Keys k) {
        return EsData.encrypt(k.reading, List.of(new EsData.CertificateRecipient("target", k.targetCert)), false)
                .envelope();
    }

    @Benchmark
    public static String signThenEncrypt(Keys k) {
        return EsData.signThenEncrypt(
                        k.reading,
                        new EsData.CertificateSigner("source", k.source.getPrivate()),
                        List.of(new EsData.CertificateRecipient("target", k.targetCert)))
                .envelope();
    }

    @Benchmark
    public X509Certificate cseVerifySigned(Keys k) {
        return k.cse.verify(k.signed, Instant.now());
    }

    @Benchmark
    public byte[] openA128kw(Keys k) {
        return EsData.open(k.a128kw, k.targetKeys).payload();
    }

    @Benchmark
    public byte[] openEcdhEs(Keys k) {
        return EsData.open(k.ecdhEs, k.targetKeys).payload();
    }

    @Benchmark
    public byte[] openSignedThenEncrypted(Keys k) {
        return EsData.open(k.nested, k.targetKeys).payload();
    }
}
