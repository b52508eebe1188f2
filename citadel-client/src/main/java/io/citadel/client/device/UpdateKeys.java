package io.citadel.client.device;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The firmware update keys a CSE or a device trusts: P-256 public keys, or certificates holding them, in one PEM file
 * (what {@code openssl ec -pubout} writes). Anything else in the file, another curve, or no key at all is refused
 * with an {@link IllegalArgumentException} naming {@code option}.
 */
public final class UpdateKeys {
    private UpdateKeys() {}

    public static List<PublicKey> load(Path file, String option) {
        List<PublicKey> keys = new ArrayList<>();
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader r = Files.newBufferedReader(file);
                PEMParser pem = new PEMParser(r)) {
            for (Object o; (o = pem.readObject()) != null; ) {
                SubjectPublicKeyInfo info = o instanceof X509CertificateHolder cert
                        ? cert.getSubjectPublicKeyInfo()
                        : o instanceof SubjectPublicKeyInfo spki ? spki : null;
                if (info == null) {
                    throw new IllegalArgumentException(
                            option + " holds something other than public keys or certificates");
                }
                PublicKey key = converter.getPublicKey(info);
                if (!(key instanceof ECPublicKey ec)
                        || ec.getParams().getCurve().getField().getFieldSize() != 256) {
                    throw new IllegalArgumentException(option + " takes P-256 keys");
                }
                keys.add(key);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + option + ": " + e.getMessage());
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(option + " holds no key");
        }
        return List.copyOf(keys);
    }
}
