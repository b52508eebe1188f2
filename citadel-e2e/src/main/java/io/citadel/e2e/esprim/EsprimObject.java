package io.citadel.e2e.esprim;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.util.Base64URL;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResponseStatusCode;
import java.text.ParseException;
import java.util.Map;
import javax.crypto.AEADBadTagException;

/**
 * The ESPrim object (TS-0003 §8.4.3.2): a JWE in compact serialization, direct mode ({@code alg} {@code dir}, no
 * encrypted key), {@code enc} A128GCM, A192GCM or A256GCM, the session key as content-encryption key, and in its
 * protected header {@code kid} (the pairwise key's ID), {@code ori} and {@code rri} (the two rand objects' IDs), the
 * originator's whole rand object as {@code oro} or the receiver's as {@code rro} when the other end may not have it
 * yet, and {@code cty} (the inner primitive's media type). Nimbus JOSE+JWT does the JWE; the checks and their status
 * codes (TS-0004 Table 7.6.2-1) are here.
 */
public final class EsprimObject {
    /** The media type of an inner request primitive in JSON (TS-0004 §6.7). */
    public static final String REQUEST_TYPE = "application/vnd.onem2m-preq+json";

    /** The media type of an inner response primitive in JSON. */
    public static final String RESPONSE_TYPE = "application/vnd.onem2m-prsp+json";

    /** The longest ESPrim object taken (characters of its compact serialization). */
    public static final int MAX_LENGTH = 256 * 1024;

    private EsprimObject() {}

    /** What a receiver reads of an object before it has a key: its protected header, checked for shape. */
    public record Header(
            String kid,
            EncryptionMethod enc,
            String ori,
            String rri,
            Map<String, Object> oro,
            Map<String, Object> rro,
            String contentType) {}

    /** A parsed object, not yet decrypted. */
    public static final class Parsed {
        private final JWEObject jwe;
        private final Header header;

        private Parsed(JWEObject jwe, Header header) {
            this.jwe = jwe;
            this.header = header;
        }

        public Header header() {
            return header;
        }

        /** The initialization vector (its canonical base64url: parse refused any other spelling), which a replay repeats. */
        public String iv() {
            return Base64URL.encode(jwe.getIV().decode()).toString();
        }
    }

    /**
     * Encrypts {@code plaintext} under {@code sessionKey}; {@code carried} is the rand object to send along (an
     * originator's as {@code oro}, a receiver's as {@code rro}), or null.
     */
    public static String seal(
            byte[] plaintext,
            byte[] sessionKey,
            EncryptionMethod enc,
            String kid,
            String ori,
            String rri,
            RandObject carried,
            String contentType) {
        JWEHeader.Builder h = new JWEHeader.Builder(JWEAlgorithm.DIR, enc)
                .keyID(kid)
                .contentType(contentType)
                .customParam("ori", ori)
                .customParam("rri", rri);
        if (carried != null) {
            h.customParam(carried.receiver() ? "rro" : "oro", carried.toJson());
        }
        JWEObject jwe = new JWEObject(h.build(), new Payload(plaintext));
        try {
            jwe.encrypt(new DirectEncrypter(sessionKey));
            return jwe.serialize();
        } catch (JOSEException e) {
            throw new OneM2mException(
                    ResponseStatusCode.ESPRIM_ENCRYPTION_ERROR, "the ESPrim object could not be made");
        }
    }

    /**
     * Parses an object and checks its header: not a compact JWE or a header without {@code kid}, {@code ori} or
     * {@code rri}: 4000; another {@code alg} than {@code dir}, an {@code enc} ESPrim has no identifier for, or an
     * encrypted key: 4111.
     */
    public static Parsed parse(String compact) {
        if (compact == null || compact.length() > MAX_LENGTH) {
            throw bad("the ESPrim object is missing or longer than " + MAX_LENGTH + " characters");
        }
        JWEObject jwe;
        try {
            jwe = JWEObject.parse(compact);
        } catch (ParseException | RuntimeException e) {
            throw bad("the ESPrim object is not a JWE in compact serialization");
        }
        JWEHeader h = jwe.getHeader();
        if (h.getCompressionAlgorithm() != null
                || (h.getCriticalParams() != null && !h.getCriticalParams().isEmpty())) {
            throw new OneM2mException(
                    ResponseStatusCode.ESPRIM_UNSUPPORTED_OPTION,
                    "an ESPrim object is neither compressed (zip) nor carries critical header parameters");
        }
        if (!JWEAlgorithm.DIR.equals(h.getAlgorithm())) {
            throw new OneM2mException(
                    ResponseStatusCode.ESPRIM_UNSUPPORTED_OPTION, "an ESPrim object is in direct mode (alg dir)");
        }
        if (EsprimOptions.protocol(h.getEncryptionMethod()).isEmpty()) {
            throw new OneM2mException(
                    ResponseStatusCode.ESPRIM_UNSUPPORTED_OPTION, "enc is not A128GCM, A192GCM or A256GCM");
        }
        if (jwe.getEncryptedKey() != null && !jwe.getEncryptedKey().toString().isEmpty()) {
            throw new OneM2mException(
                    ResponseStatusCode.ESPRIM_UNSUPPORTED_OPTION, "an ESPrim object carries no encrypted key");
        }
        // every part in its one canonical base64url spelling: a decoder that skips stray characters would otherwise
        // let a relay make a recorded object look new (the replay check keys on the IV)
        for (String part : compact.split("\\.", -1)) {
            if (!Base64URL.encode(new Base64URL(part).decode()).toString().equals(part)) {
                throw bad("the ESPrim object is not in canonical base64url");
            }
        }
        if (jwe.getIV() == null
                || jwe.getIV().decode().length != 12
                || jwe.getAuthTag() == null
                || jwe.getAuthTag().decode().length != 16) {
            throw bad("the ESPrim object's IV or tag is not the size AES-GCM has");
        }
        String kid = h.getKeyID();
        if (kid == null || kid.isEmpty() || kid.length() > 256) {
            throw bad("the ESPrim object names no key (kid)");
        }
        if (!(h.getCustomParam("ori") instanceof String ori) || !(h.getCustomParam("rri") instanceof String rri)) {
            throw bad("the ESPrim object names no rand objects (ori, rri)");
        }
        return new Parsed(
                jwe,
                new Header(
                        kid,
                        h.getEncryptionMethod(),
                        ori,
                        rri,
                        object(h.getCustomParam("oro")),
                        object(h.getCustomParam("rro")),
                        h.getContentType() == null ? null : h.getContentType().toString()));
    }

    /** Decrypts a parsed object with {@code sessionKey}: a tag that does not verify is 4115, anything else 5210. */
    public static byte[] decrypt(Parsed parsed, byte[] sessionKey) {
        try {
            parsed.jwe.decrypt(new DirectDecrypter(sessionKey));
            return parsed.jwe.getPayload().toBytes();
        } catch (JOSEException | RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof AEADBadTagException
                        || String.valueOf(t.getMessage()).contains("Tag mismatch")) {
                    throw new OneM2mException(
                            ResponseStatusCode.ESPRIM_BAD_MAC, "the ESPrim object does not verify under its key");
                }
            }
            throw new OneM2mException(
                    ResponseStatusCode.ESPRIM_DECRYPTION_ERROR, "the ESPrim object could not be decrypted");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o) {
        if (o == null) {
            return null;
        }
        if (!(o instanceof Map<?, ?> m)) {
            throw bad("oro and rro are rand objects");
        }
        return (Map<String, Object>) m;
    }

    private static OneM2mException bad(String why) {
        return new OneM2mException(ResponseStatusCode.BAD_REQUEST, why);
    }
}
