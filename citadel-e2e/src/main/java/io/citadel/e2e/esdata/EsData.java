package io.citadel.e2e.esdata;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWEObjectJSON;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.AESDecrypter;
import com.nimbusds.jose.crypto.AESEncrypter;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.ECDHDecrypter;
import com.nimbusds.jose.crypto.ECDHEncrypter;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.MultiEncrypter;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * End-to-end security of data (TS-0003 §8.5, digest §8): the three classes with JOSE, for one recipient in compact
 * serialization ({@code cnf} content security 1) and for several in the general JSON serialization (2).
 *
 * <ul>
 *   <li><b>Encryption-only</b>: A128GCM content; per recipient {@code A128KW} with a registered or provisioned
 *       symmetric key, or {@code ECDH-ES+A128KW} to the P-256 key of its certificate; {@code dir} when exactly one
 *       symmetric key protects the payload and the caller asks for direct mode.
 *   <li><b>Signature-only</b>: {@code ES256} with the source's certificate key, or {@code HS256} (a MIC) with a
 *       symmetric key.
 *   <li><b>Nested sign-then-encrypt</b>: an ES256 JWS (compact) as the payload of the JWE, {@code cty} {@code JOSE}.
 * </ul>
 *
 * Opening takes only these algorithms (others, {@code zip}, unknown {@code crit}: refused), finds keys by {@code kid}
 * ({@link Keys}), and says who signed.
 */
public final class EsData {
    /** The longest envelope taken (characters). */
    public static final int MAX_LENGTH = 512 * 1024;

    static final Set<JWEAlgorithm> KEY_MANAGEMENT = Set.of(
            JWEAlgorithm.DIR,
            JWEAlgorithm.A128KW,
            JWEAlgorithm.A192KW,
            JWEAlgorithm.A256KW,
            JWEAlgorithm.ECDH_ES_A128KW,
            JWEAlgorithm.ECDH_ES_A192KW,
            JWEAlgorithm.ECDH_ES_A256KW);
    static final Set<EncryptionMethod> CONTENT =
            Set.of(EncryptionMethod.A128GCM, EncryptionMethod.A192GCM, EncryptionMethod.A256GCM);
    static final Set<JWSAlgorithm> SIGNATURES =
            Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384);

    private EsData() {}

    /** Who may open encrypted data: a registered symmetric key (A128KW, or dir), or a certificate (ECDH-ES+A128KW). */
    public sealed interface Recipient permits SymmetricRecipient, CertificateRecipient {
        String kid();
    }

    /** A recipient sharing a symmetric key (16 bytes: A128KW; with {@code dir}, the content key itself). */
    public record SymmetricRecipient(String kid, byte[] key) implements Recipient {
        public SymmetricRecipient {
            key = key.clone();
        }
    }

    /** A recipient known by its certificate (a P-256 key). */
    public record CertificateRecipient(String kid, X509Certificate certificate) implements Recipient {}

    /** Who signs: the source's certificate key (ES256) or a symmetric key (HS256, a MIC). */
    public sealed interface Signer permits CertificateSigner, SymmetricSigner {
        String kid();
    }

    /**
     * The source's certificate key; with {@code chain} (leaf first) the JWS carries it as {@code x5c}, so that a
     * hosting CSE that trusts its issuer can check the signature ({@link EsDataSignatures}).
     */
    public record CertificateSigner(String kid, PrivateKey key, List<X509Certificate> chain) implements Signer {
        public CertificateSigner {
            chain = List.copyOf(chain);
        }

        public CertificateSigner(String kid, PrivateKey key) {
            this(kid, key, List.of());
        }
    }

    public record SymmetricSigner(String kid, byte[] key) implements Signer {
        public SymmetricSigner {
            key = key.clone();
        }
    }

    /** Protected data: the envelope and its {@code m2m:contentSecurity} value (1 compact, 2 JSON). */
    public record Protected(String envelope, int contentSecurity) {
        /** {@code cnf} for content of {@code mediaType} with {@code encoding} (TS-0004 {@code m2m:contentInfo}). */
        public String contentInfo(String mediaType, int encoding) {
            return mediaType + ":" + encoding + ":" + contentSecurity;
        }
    }

    /** The keys of the side that opens: by {@code kid}. */
    public interface Keys {
        /** A symmetric key (for A128KW, dir, HS256); the caller zeroes the copy. */
        default Optional<byte[]> symmetric(String kid) {
            return Optional.empty();
        }

        /** This side's EC key pair (P-256) for ECDH-ES, the one its certificate for {@code kid} holds. */
        default Optional<java.security.KeyPair> decryption(String kid) {
            return Optional.empty();
        }

        /** A signer's public key, from a certificate this side trusts for {@code kid}. */
        default Optional<PublicKey> verification(String kid) {
            return Optional.empty();
        }
    }

    /** Opened data: the payload, the signer's {@code kid} (null: not signed) and whether it was encrypted. */
    public record Opened(byte[] payload, String signer, boolean encrypted) {}

    // ---- protecting

    /** Encryption-only for {@code recipients}; {@code direct} only with exactly one symmetric recipient. */
    public static Protected encrypt(byte[] plaintext, List<Recipient> recipients, boolean direct) {
        return encrypt(new Payload(plaintext), recipients, direct, null);
    }

    /** Signature-only, compact. */
    public static Protected sign(byte[] payload, Signer signer) {
        return new Protected(jws(payload, signer), 1);
    }

    /** Nested: an ES256 signature by the source's certificate key, then encryption for {@code recipients}. */
    public static Protected signThenEncrypt(byte[] payload, CertificateSigner signer, List<Recipient> recipients) {
        return encrypt(new Payload(jws(payload, signer)), recipients, false, "JOSE");
    }

    private static Protected encrypt(Payload payload, List<Recipient> recipients, boolean direct, String cty) {
        if (recipients.isEmpty()) {
            throw new EsDataException("encrypted data needs at least one recipient");
        }
        try {
            if (direct) {
                if (recipients.size() != 1 || !(recipients.get(0) instanceof SymmetricRecipient s)) {
                    throw new EsDataException("direct mode takes exactly one symmetric key");
                }
                JWEObject jwe = new JWEObject(header(JWEAlgorithm.DIR, s.kid(), cty), payload);
                jwe.encrypt(new DirectEncrypter(s.key()));
                return new Protected(jwe.serialize(), 1);
            }
            if (recipients.size() == 1) {
                Recipient r = recipients.get(0);
                JWEObject jwe = new JWEObject(header(algorithm(r), r.kid(), cty), payload);
                jwe.encrypt(
                        r instanceof SymmetricRecipient s
                                ? new AESEncrypter(s.key())
                                : new ECDHEncrypter(ecPublic((CertificateRecipient) r)));
                return new Protected(jwe.serialize(), 1);
            }
            List<JWK> keys = new ArrayList<>();
            for (Recipient r : recipients) {
                keys.add(
                        r instanceof SymmetricRecipient s
                                ? new OctetSequenceKey.Builder(s.key())
                                        .keyID(s.kid())
                                        .algorithm(JWEAlgorithm.A128KW)
                                        .build()
                                : new ECKey.Builder(Curve.P_256, ecPublic((CertificateRecipient) r))
                                        .keyID(r.kid())
                                        .algorithm(JWEAlgorithm.ECDH_ES_A128KW)
                                        .build());
            }
            JWEHeader.Builder h = new JWEHeader.Builder(EncryptionMethod.A128GCM);
            if (cty != null) {
                h.contentType(cty);
            }
            JWEObjectJSON jwe = new JWEObjectJSON(h.build(), payload);
            jwe.encrypt(new MultiEncrypter(new JWKSet(keys)));
            return new Protected(jwe.serializeGeneral(), 2);
        } catch (JOSEException | IllegalArgumentException e) {
            throw new EsDataException("the data could not be encrypted for these recipients");
        }
    }

    private static JWEHeader header(JWEAlgorithm alg, String kid, String cty) {
        JWEHeader.Builder h = new JWEHeader.Builder(alg, EncryptionMethod.A128GCM).keyID(kid);
        if (cty != null) {
            h.contentType(cty);
        }
        return h.build();
    }

    private static JWEAlgorithm algorithm(Recipient r) {
        return r instanceof SymmetricRecipient ? JWEAlgorithm.A128KW : JWEAlgorithm.ECDH_ES_A128KW;
    }

    private static ECPublicKey ecPublic(CertificateRecipient r) {
        if (!(r.certificate().getPublicKey() instanceof ECPublicKey ec)) {
            throw new EsDataException("the certificate of " + r.kid() + " has no EC (P-256) key");
        }
        return ec;
    }

    private static String jws(byte[] payload, Signer signer) {
        try {
            if (signer instanceof CertificateSigner c) {
                if (!(c.key() instanceof ECPrivateKey ec)) {
                    throw new EsDataException("a certificate signature takes an EC (P-256) key");
                }
                JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(c.kid());
                if (!c.chain().isEmpty()) {
                    List<com.nimbusds.jose.util.Base64> x5c = new ArrayList<>();
                    for (X509Certificate cert : c.chain()) {
                        x5c.add(com.nimbusds.jose.util.Base64.encode(cert.getEncoded()));
                    }
                    header.x509CertChain(x5c);
                }
                JWSObject jws = new JWSObject(header.build(), new Payload(payload));
                jws.sign(new ECDSASigner(ec));
                return jws.serialize();
            }
            SymmetricSigner s = (SymmetricSigner) signer;
            if (s.key().length < 32) {
                throw new EsDataException("an HS256 key (a MIC) is at least 32 bytes");
            }
            JWSObject jws = new JWSObject(
                    new JWSHeader.Builder(JWSAlgorithm.HS256)
                            .keyID(s.kid())
                            .type(JOSEObjectType.JOSE)
                            .build(),
                    new Payload(payload));
            jws.sign(new MACSigner(s.key()));
            return jws.serialize();
        } catch (JOSEException | java.security.cert.CertificateEncodingException e) {
            throw new EsDataException("the data could not be signed with " + signer.kid());
        }
    }

    // ---- inspecting (no key: what a CSE that stores protected data can check)

    /**
     * The {@code m2m:contentSecurity} of an envelope, checked for shape without any key: 1 for a compact JWS or JWE,
     * 2 for a JWE in JSON serialization, each with algorithms ESData allows, no {@code zip}; refused otherwise.
     */
    public static int inspect(String envelope) {
        if (envelope == null || envelope.isEmpty() || envelope.length() > MAX_LENGTH) {
            throw new EsDataException("protected data is missing or longer than " + MAX_LENGTH + " characters");
        }
        String e = envelope.strip();
        try {
            if (e.startsWith("{")) {
                parseJson(e); // every recipient's merged header checked as open() checks it
                return 2;
            }
            int parts = e.split("\\.", -1).length;
            if (parts == 5) {
                JWEHeader h = JWEObject.parse(e).getHeader();
                checkAlgorithms(h.getAlgorithm(), h.getEncryptionMethod(), h);
                return 1;
            }
            if (parts == 3) {
                JWSHeader h = JWSObject.parse(e).getHeader();
                if (!SIGNATURES.contains(h.getAlgorithm()) || h.getKeyID() == null || h.getCriticalParams() != null) {
                    throw new EsDataException(
                            "the JWS's alg is not one ESData allows, it names no key, or it has critical parameters");
                }
                return 1;
            }
        } catch (ParseException | RuntimeException ex) {
            if (ex instanceof EsDataException d) {
                throw d;
            }
            throw new EsDataException("the content is not a JWS or a JWE");
        }
        throw new EsDataException("the content is not a JWS or a JWE");
    }

    // ---- opening

    /**
     * Opens an envelope of any of the three classes: decrypts with this side's key for one of its recipients, verifies a
     * signature (the outer one, or the nested one inside a JWE with {@code cty} {@code JOSE}).
     */
    public static Opened open(String envelope, Keys keys) {
        if (envelope == null || envelope.isEmpty() || envelope.length() > MAX_LENGTH) {
            throw new EsDataException("protected data is missing or longer than " + MAX_LENGTH + " characters");
        }
        String e = envelope.strip();
        if (e.startsWith("{")) {
            if (e.contains("\"ciphertext\"")) {
                return decryptJson(e, keys);
            }
            throw new EsDataException("protected data in JSON serialization is a JWE here");
        }
        int parts = e.split("\\.", -1).length;
        if (parts == 5) {
            return decryptCompact(e, keys);
        }
        if (parts == 3) {
            return new Opened(verify(e, keys), signerOf(e), false);
        }
        throw new EsDataException("protected data is not a JWS or a JWE");
    }

    private static Opened decryptCompact(String compact, Keys keys) {
        JWEObject jwe;
        try {
            jwe = JWEObject.parse(compact);
        } catch (ParseException | RuntimeException ex) {
            throw new EsDataException("protected data is not a JWE in compact serialization");
        }
        JWEHeader h = jwe.getHeader();
        checkAlgorithms(h.getAlgorithm(), h.getEncryptionMethod(), h);
        String kid = h.getKeyID();
        if (kid == null) {
            throw new EsDataException("the JWE names no key (kid)");
        }
        try {
            if (h.getAlgorithm().getName().startsWith("ECDH-ES")) {
                jwe.decrypt(new ECDHDecrypter(ecPrivate(keys, kid)));
            } else {
                byte[] key = symmetric(keys, kid);
                try {
                    jwe.decrypt(
                            JWEAlgorithm.DIR.equals(h.getAlgorithm())
                                    ? new DirectDecrypter(key)
                                    : new AESDecrypter(key));
                } finally {
                    java.util.Arrays.fill(key, (byte) 0);
                }
            }
        } catch (JOSEException | RuntimeException ex) {
            if (ex instanceof EsDataException d) {
                throw d;
            }
            throw new EsDataException("the JWE does not open with the key " + kid);
        }
        return nested(
                jwe.getPayload().toBytes(),
                h.getContentType() == null ? null : h.getContentType().toString(),
                keys);
    }

    /** One recipient of a JWE in JSON serialization: its whole header (protected, shared, own) and wrapped key. */
    private record JsonRecipient(JWEHeader header, com.nimbusds.jose.util.Base64URL encryptedKey) {}

    /** A JWE in JSON serialization (general or flattened), its headers merged and checked per recipient. */
    private record JsonJwe(
            List<JsonRecipient> recipients,
            com.nimbusds.jose.util.Base64URL iv,
            com.nimbusds.jose.util.Base64URL ciphertext,
            com.nimbusds.jose.util.Base64URL tag,
            byte[] aad) {}

    /**
     * Parses a JWE in JSON serialization by hand: each recipient's header is the protected header, the shared
     * unprotected one and its own, merged (a name twice is refused, RFC 7516 §7.2.1) and checked as a compact header
     * is (allowed alg and enc, no zip, no crit), so that no recipient's unprotected header can change how the content
     * is opened. The AAD is the protected header as sent (and {@code aad} when present).
     */
    private static JsonJwe parseJson(String json) {
        com.fasterxml.jackson.databind.JsonNode n;
        try {
            n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new EsDataException("protected data is not a JWE in JSON serialization");
        }
        if (n == null
                || !n.isObject()
                || !n.path("protected").isTextual()
                || !n.path("ciphertext").isTextual()
                || !n.path("iv").isTextual()
                || !n.path("tag").isTextual()) {
            throw new EsDataException("protected data is not a JWE in JSON serialization");
        }
        String protectedB64 = n.get("protected").asText();
        java.util.Map<String, Object> shared = new java.util.LinkedHashMap<>();
        try {
            shared.putAll(com.nimbusds.jose.util.JSONObjectUtils.parse(
                    new com.nimbusds.jose.util.Base64URL(protectedB64).decodeToString()));
            if (n.has("unprotected")) {
                merge(
                        shared,
                        com.nimbusds.jose.util.JSONObjectUtils.parse(
                                n.get("unprotected").toString()));
            }
        } catch (ParseException e) {
            throw new EsDataException("the JWE's header is not JSON");
        }
        List<com.fasterxml.jackson.databind.JsonNode> parts = new ArrayList<>();
        if (n.has("recipients")) {
            if (!n.get("recipients").isArray()
                    || n.get("recipients").size() == 0
                    || n.get("recipients").size() > 64) {
                throw new EsDataException("the JWE has no or too many recipients");
            }
            n.get("recipients").forEach(parts::add);
        } else {
            parts.add(n); // flattened: header and encrypted_key at the top
        }
        List<JsonRecipient> recipients = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode r : parts) {
            java.util.Map<String, Object> merged = new java.util.LinkedHashMap<>(shared);
            try {
                if (r.has("header")) {
                    merge(
                            merged,
                            com.nimbusds.jose.util.JSONObjectUtils.parse(
                                    r.get("header").toString()));
                }
                JWEHeader h = JWEHeader.parse(merged);
                checkAlgorithms(h.getAlgorithm(), h.getEncryptionMethod(), h);
                recipients.add(new JsonRecipient(
                        h,
                        r.path("encrypted_key").isTextual()
                                ? new com.nimbusds.jose.util.Base64URL(
                                        r.get("encrypted_key").asText())
                                : null));
            } catch (ParseException e) {
                throw new EsDataException("a recipient's header of the JWE is not usable");
            }
        }
        String aad =
                protectedB64 + (n.path("aad").isTextual() ? "." + n.get("aad").asText() : "");
        return new JsonJwe(
                recipients,
                new com.nimbusds.jose.util.Base64URL(n.get("iv").asText()),
                new com.nimbusds.jose.util.Base64URL(n.get("ciphertext").asText()),
                new com.nimbusds.jose.util.Base64URL(n.get("tag").asText()),
                aad.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static void merge(java.util.Map<String, Object> into, java.util.Map<String, Object> more) {
        for (var e : more.entrySet()) {
            if (into.putIfAbsent(e.getKey(), e.getValue()) != null) {
                throw new EsDataException("the JWE names the header parameter " + e.getKey() + " twice");
            }
        }
    }

    private static Opened decryptJson(String json, Keys keys) {
        JsonJwe jwe = parseJson(json);
        for (JsonRecipient r : jwe.recipients()) {
            String kid = r.header().getKeyID();
            if (kid == null) {
                continue;
            }
            JWEAlgorithm alg = r.header().getAlgorithm();
            byte[] plain;
            try {
                if (alg.getName().startsWith("ECDH-ES")) {
                    Optional<java.security.KeyPair> pair = keys.decryption(kid);
                    if (pair.isEmpty() || !(pair.get().getPrivate() instanceof ECPrivateKey ec)) {
                        continue;
                    }
                    plain = new ECDHDecrypter(ec)
                            .decrypt(r.header(), r.encryptedKey(), jwe.iv(), jwe.ciphertext(), jwe.tag(), jwe.aad());
                } else {
                    Optional<byte[]> key = keys.symmetric(kid);
                    if (key.isEmpty()) {
                        continue;
                    }
                    try {
                        plain = JWEAlgorithm.DIR.equals(alg)
                                ? new DirectDecrypter(key.get())
                                        .decrypt(
                                                r.header(),
                                                r.encryptedKey(),
                                                jwe.iv(),
                                                jwe.ciphertext(),
                                                jwe.tag(),
                                                jwe.aad())
                                : new AESDecrypter(key.get())
                                        .decrypt(
                                                r.header(),
                                                r.encryptedKey(),
                                                jwe.iv(),
                                                jwe.ciphertext(),
                                                jwe.tag(),
                                                jwe.aad());
                    } finally {
                        java.util.Arrays.fill(key.get(), (byte) 0);
                    }
                }
            } catch (JOSEException | RuntimeException ex) {
                throw new EsDataException("the JWE does not open with the key " + kid);
            }
            return nested(
                    plain,
                    r.header().getContentType() == null
                            ? null
                            : r.header().getContentType().toString(),
                    keys);
        }
        throw new EsDataException("none of the JWE's recipients is a key of this side");
    }

    private static Opened nested(byte[] payload, String cty, Keys keys) {
        if (cty != null && cty.equalsIgnoreCase("JOSE")) {
            String inner = new String(payload, java.nio.charset.StandardCharsets.US_ASCII);
            if (inner.split("\\.", -1).length != 3) {
                throw new EsDataException("the nested content of the JWE is not a JWS");
            }
            try {
                if (!JWSObject.parse(inner).getHeader().getAlgorithm().getName().startsWith("ES")) {
                    throw new EsDataException("a nested signature is a certificate's (ES256), not a MIC");
                }
            } catch (ParseException e) {
                throw new EsDataException("the nested content of the JWE is not a JWS");
            }
            return new Opened(verify(inner, keys), signerOf(inner), true);
        }
        return new Opened(payload, null, true);
    }

    private static void checkAlgorithms(JWEAlgorithm alg, EncryptionMethod enc, JWEHeader h) {
        if (!KEY_MANAGEMENT.contains(alg)) {
            throw new EsDataException("alg " + alg + " is not one ESData allows");
        }
        if (!CONTENT.contains(enc)) {
            throw new EsDataException("enc is not A128GCM, A192GCM or A256GCM");
        }
        if (h.getCompressionAlgorithm() != null || h.getCriticalParams() != null) {
            throw new EsDataException("compressed JWEs and critical header parameters are not taken");
        }
    }

    private static byte[] verify(String compact, Keys keys) {
        JWSObject jws;
        try {
            jws = JWSObject.parse(compact);
        } catch (ParseException | RuntimeException ex) {
            throw new EsDataException("protected data is not a JWS in compact serialization");
        }
        JWSHeader h = jws.getHeader();
        if (!SIGNATURES.contains(h.getAlgorithm())) {
            throw new EsDataException("alg " + h.getAlgorithm() + " is not one ESData allows");
        }
        if (h.getCriticalParams() != null) {
            throw new EsDataException("critical header parameters are not taken");
        }
        String kid = h.getKeyID();
        if (kid == null) {
            throw new EsDataException("the JWS names no key (kid)");
        }
        boolean valid;
        try {
            if (h.getAlgorithm().getName().startsWith("ES")) {
                PublicKey k = keys.verification(kid)
                        .orElseThrow(() -> new EsDataException("no trusted certificate for the signer " + kid));
                if (!(k instanceof ECPublicKey ec)) {
                    throw new EsDataException("the signer's certificate has no EC key");
                }
                valid = jws.verify(new ECDSAVerifier(ec));
            } else {
                byte[] key = symmetric(keys, kid);
                try {
                    valid = jws.verify(new MACVerifier(key));
                } finally {
                    java.util.Arrays.fill(key, (byte) 0);
                }
            }
        } catch (JOSEException ex) {
            throw new EsDataException("the signature of " + kid + " could not be checked");
        }
        if (!valid) {
            throw new EsDataException("the signature of " + kid + " does not verify");
        }
        return jws.getPayload().toBytes();
    }

    private static String signerOf(String compact) {
        try {
            return JWSObject.parse(compact).getHeader().getKeyID();
        } catch (ParseException e) {
            return null;
        }
    }

    private static byte[] symmetric(Keys keys, String kid) {
        return keys.symmetric(kid).orElseThrow(() -> new EsDataException("no key " + kid + " on this side"));
    }

    private static ECPrivateKey ecPrivate(Keys keys, String kid) {
        PrivateKey k = keys.decryption(kid)
                .map(java.security.KeyPair::getPrivate)
                .orElseThrow(() -> new EsDataException("no key " + kid + " on this side"));
        if (!(k instanceof ECPrivateKey ec)) {
            throw new EsDataException("the decryption key " + kid + " is not an EC key");
        }
        return ec;
    }
}
