package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.e2e.escertke.EsCertKe;
import io.citadel.tls.PemKeys;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A P-256 key and certificate in PEM files, made by {@code openssl req} at test time. */
record Pem(Path key, Path cert, X509Certificate certificate) {
    EsCertKe.Credential credential() {
        return new EsCertKe.Credential(PemKeys.privateKey(key), List.of(certificate));
    }

    /**
     * A self-signed certificate named {@code name} in {@code dir}, or one issued by {@code issuer} (then an end
     * entity's, for signatures), with {@code subjectAltName} (none when null) and further {@code extensions}.
     */
    static Pem make(Path dir, String name, String subjectAltName, Pem issuer, String... extensions) throws Exception {
        Path key = dir.resolve(name + ".key");
        Path cert = dir.resolve(name + ".pem");
        List<String> args = new ArrayList<>(List.of(
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
                "2",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString()));
        if (subjectAltName != null) {
            args.addAll(List.of("-addext", "subjectAltName=" + subjectAltName));
        }
        if (issuer != null) {
            args.addAll(List.of(
                    "-CA",
                    issuer.cert().toString(),
                    "-CAkey",
                    issuer.key().toString(),
                    "-addext",
                    "basicConstraints=critical,CA:FALSE",
                    "-addext",
                    "keyUsage=critical,digitalSignature"));
        }
        for (String e : extensions) {
            args.addAll(List.of("-addext", e));
        }
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(cert)));
        return new Pem(key, cert, c);
    }
}
