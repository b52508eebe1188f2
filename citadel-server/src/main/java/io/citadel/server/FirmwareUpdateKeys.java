package io.citadel.server;

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

/** {@code --firmware-update-keys}: the P-256 public keys (or certificates holding them) that sign firmware updates. */
final class FirmwareUpdateKeys {
    private FirmwareUpdateKeys() {}

    static List<PublicKey> load(Configuration config) {
        String file = config.get(ConfigKey.FIRMWARE_UPDATE_KEYS);
        if (file == null) {
            return List.of();
        }
        List<PublicKey> keys = new ArrayList<>();
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader r = Files.newBufferedReader(Path.of(file));
                PEMParser pem = new PEMParser(r)) {
            for (Object o; (o = pem.readObject()) != null; ) {
                SubjectPublicKeyInfo info = o instanceof X509CertificateHolder cert
                        ? cert.getSubjectPublicKeyInfo()
                        : o instanceof SubjectPublicKeyInfo spki ? spki : null;
                if (info == null) {
                    throw new IllegalArgumentException(
                            "--firmware-update-keys holds something other than public keys or certificates");
                }
                PublicKey key = converter.getPublicKey(info);
                if (!(key instanceof ECPublicKey ec)
                        || ec.getParams().getCurve().getField().getFieldSize() != 256) {
                    throw new IllegalArgumentException("--firmware-update-keys takes P-256 keys");
                }
                keys.add(key);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --firmware-update-keys: " + e.getMessage());
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("--firmware-update-keys holds no key");
        }
        return keys;
    }
}
