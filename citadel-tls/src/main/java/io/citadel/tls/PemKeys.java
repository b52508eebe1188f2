package io.citadel.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** Reads a certificate chain and an unencrypted private key from PEM files (for listeners that want objects). */
public final class PemKeys {
    private PemKeys() {}

    public static List<X509Certificate> chain(Path pem) {
        List<X509Certificate> chain = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(pem);
                PEMParser p = new PEMParser(r)) {
            for (Object o; (o = p.readObject()) != null; ) {
                if (o instanceof X509CertificateHolder h) {
                    chain.add(new JcaX509CertificateConverter().getCertificate(h));
                }
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("cannot read the certificates in " + pem + ": " + e.getMessage());
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(pem + " holds no certificate");
        }
        return chain;
    }

    public static PrivateKey privateKey(Path pem) {
        return privateKey(pem, null);
    }

    /**
     * The private key in a PEM file: unencrypted (PKCS#8 or SEC1), or an encrypted PKCS#8 key
     * ({@code openssl pkcs8 -topk8 -v2 aes-256-cbc}) opened with {@code password} (not kept).
     */
    public static PrivateKey privateKey(Path pem, char[] password) {
        try (Reader r = Files.newBufferedReader(pem);
                PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo encrypted) {
                if (password == null) {
                    throw new IllegalArgumentException(
                            pem + " is encrypted: give its password (--tls-key-password-file)");
                }
                try {
                    return conv.getPrivateKey(encrypted.decryptPrivateKeyInfo(
                            new org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder()
                                    .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                                    .build(password)));
                } catch (org.bouncycastle.operator.OperatorCreationException | org.bouncycastle.pkcs.PKCSException e) {
                    throw new IllegalArgumentException(
                            "cannot decrypt the private key in " + pem + " (wrong password?): " + e.getMessage());
                }
            }
            if (o instanceof PEMKeyPair pair) {
                return conv.getKeyPair(pair).getPrivate();
            }
            if (o instanceof PrivateKeyInfo info) {
                return conv.getPrivateKey(info);
            }
            throw new IllegalArgumentException(pem + " holds no private key (PKCS#8, encrypted PKCS#8 or SEC1 PEM)");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the private key in " + pem + ": " + e.getMessage());
        }
    }

    /** The DER SubjectPublicKeyInfo of a private key's public half (EC keys: computed from the private scalar). */
    public static byte[] subjectPublicKeyInfo(PrivateKey key) {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        return ecPublicKeyInfo(info, "the private key");
    }

    /**
     * The DER SubjectPublicKeyInfo in a PEM file holding a public key, a certificate (its key), or an EC
     * private key that carries its public key (what {@code openssl ecparam -genkey} and {@code genpkey} write).
     */
    public static byte[] subjectPublicKeyInfo(Path pem) {
        try (Reader r = Files.newBufferedReader(pem)) {
            return subjectPublicKeyInfo(r, pem.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the key in " + pem + ": " + e.getMessage());
        }
    }

    /** The same from PEM text (an admin API request body); only public parts are taken, never kept. */
    public static byte[] subjectPublicKeyInfo(String pemText) {
        return subjectPublicKeyInfo(new java.io.StringReader(pemText), "the PEM text");
    }

    private static byte[] subjectPublicKeyInfo(Reader r, String source) {
        try (PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            if (o instanceof SubjectPublicKeyInfo spki) {
                return spki.getEncoded();
            }
            if (o instanceof X509CertificateHolder cert) {
                return cert.getSubjectPublicKeyInfo().getEncoded();
            }
            if (o instanceof PEMKeyPair pair && pair.getPublicKeyInfo() != null) {
                return pair.getPublicKeyInfo().getEncoded();
            }
            if (o instanceof PrivateKeyInfo info
                    && info.getPrivateKeyAlgorithm().getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey)) {
                return ecPublicKeyInfo(info, source);
            }
            throw new IllegalArgumentException(source + " holds no public key, certificate or EC key pair");
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae
                    && iae.getMessage() != null
                    && iae.getMessage().startsWith(source)) {
                throw iae;
            }
            throw new IllegalArgumentException("cannot read the key in " + source + ": " + e.getMessage());
        }
    }

    private static byte[] ecPublicKeyInfo(PrivateKeyInfo info, String source) {
        if (!info.getPrivateKeyAlgorithm().getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            throw new IllegalArgumentException(source + " is not an EC key");
        }
        try {
            var ec = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
            ASN1BitString point = ec.getPublicKey();
            if (point != null) {
                return new SubjectPublicKeyInfo(info.getPrivateKeyAlgorithm(), point.getBytes()).getEncoded();
            }
            var curve = info.getPrivateKeyAlgorithm().getParameters() instanceof ASN1ObjectIdentifier oid
                    ? ECNamedCurveTable.getByOID(oid)
                    : null;
            if (curve == null) {
                throw new IllegalArgumentException(source + " has no named curve");
            }
            byte[] q = curve.getG().multiply(ec.getKey()).normalize().getEncoded(false);
            return new SubjectPublicKeyInfo(info.getPrivateKeyAlgorithm(), q).getEncoded();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + source + ": " + e.getMessage());
        }
    }
}
