package io.citadel.e2e.esdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A P-256 key and its self-signed certificate, made by {@code openssl req} at test time. */
public record TestKeys(KeyPair pair, X509Certificate certificate, Path keyPem, Path certPem) {
    public static TestKeys make(Path dir, String name) throws Exception {
        Path key = dir.resolve(name + ".key");
        Path cert = dir.resolve(name + ".pem");
        Process p = new ProcessBuilder(List.of(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "ec",
                        "-pkeyopt",
                        "ec_paramgen_curve:prime256v1",
                        "-nodes",
                        "-subj",
                        "/CN=" + name,
                        "-days",
                        "1",
                        "-addext",
                        "basicConstraints=critical,CA:FALSE",
                        "-addext",
                        "keyUsage=critical,digitalSignature,keyAgreement",
                        "-keyout",
                        key.toString(),
                        "-out",
                        cert.toString()))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(cert)));
        String pem = Files.readString(key).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        var priv = KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        return new TestKeys(new KeyPair(c.getPublicKey(), priv), c, key, cert);
    }
}
