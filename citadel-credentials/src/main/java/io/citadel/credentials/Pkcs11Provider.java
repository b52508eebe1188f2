package io.citadel.credentials;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;

/**
 * The JDK's SunPKCS11 provider over a PKCS#11 module (tested with SoftHSM2), configured so that every private and
 * secret key created or imported through it is token-resident, sensitive and non-extractable: no key can be read out
 * through this process; signatures, HMAC and AES-GCM run in the token. The provider is added to the JCA's list, so
 * that TLS stacks find it for the token's keys.
 */
public final class Pkcs11Provider {
    private Pkcs11Provider() {}

    /**
     * @param library the PKCS#11 module, e.g. {@code /usr/lib/softhsm/libsofthsm2.so}
     * @param slotListIndex which slot of the module's list (0 = the first with a token)
     * @param workDir where the provider's configuration file is written
     */
    public static Provider open(String library, int slotListIndex, Path workDir) throws IOException {
        return open(library, slotListIndex, workDir, true);
    }

    /**
     * As {@link #open(String, int, Path)}; with {@code tokenResident} false, private keys are made as session objects
     * (still sensitive and not extractable) that become token objects only when stored under an alias
     * ({@code KeyStore.setKeyEntry}), so a key made for a request that then fails leaves nothing in the token.
     *
     * @param workDir an owner-only directory (made so when missing) for the provider's configuration file
     */
    public static Provider open(String library, int slotListIndex, Path workDir, boolean tokenResident)
            throws IOException {
        if (!Files.exists(workDir)) {
            PrivateFiles.directory(workDir);
        }
        Path cfg = workDir.resolve(tokenResident ? "citadel-pkcs11.cfg" : "citadel-pkcs11-session.cfg");
        Files.writeString(
                cfg,
                String.join(
                        "\n",
                        "name = Citadel" + Integer.toHexString(library.hashCode() ^ slotListIndex)
                                + (tokenResident ? "" : "s"),
                        "library = " + library,
                        "slotListIndex = " + slotListIndex,
                        "attributes(*,CKO_PRIVATE_KEY,*) = {",
                        "  CKA_TOKEN = " + tokenResident,
                        "  CKA_SENSITIVE = true",
                        "  CKA_EXTRACTABLE = false",
                        "}",
                        "attributes(*,CKO_SECRET_KEY,*) = {",
                        "  CKA_TOKEN = true",
                        "  CKA_SENSITIVE = true",
                        "  CKA_EXTRACTABLE = false",
                        "}",
                        ""),
                StandardCharsets.US_ASCII);
        Provider provider = Security.getProvider("SunPKCS11").configure(cfg.toString());
        Security.addProvider(provider);
        return provider;
    }
}
