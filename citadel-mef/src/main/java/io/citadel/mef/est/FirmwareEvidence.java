package io.citadel.mef.est;

import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * What a device says about its software state when it enrols (TR-0008 integrity validation): the firmware's name,
 * version and SHA-256, as one attribute of its certification request, so the request's signature (its proof of
 * possession) signs it with the device's new key. The attribute is {@link #OID} (a UUID-based OID, X.667, no
 * registration needed), its value one string {@code name;version;sha256-hex}, which {@code openssl req} can add
 * ({@code 2.25.516…= fw;1.2.0;<hex>} in the attributes section).
 *
 * @param sha256 lower-case hex of the firmware image's SHA-256
 */
public record FirmwareEvidence(String name, String version, String sha256) {
    /** {@code 2.25.51640520476670301934320748196930289423} (UUID 26d99a3b-ab41-4f1d-8c51-c0115b587f0f). */
    public static final ASN1ObjectIdentifier OID =
            new ASN1ObjectIdentifier("2.25.51640520476670301934320748196930289423");

    private static final String TOKEN = "[A-Za-z0-9._+-]{1,64}";

    public FirmwareEvidence {
        if (name == null || !name.matches(TOKEN) || version == null || !version.matches(TOKEN)) {
            throw new IllegalArgumentException("a firmware name and version are 1 to 64 letters, digits or ._+-");
        }
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a firmware SHA-256 is 64 lower-case hex digits");
        }
    }

    /** The evidence in a request; empty when it has none; a malformed or repeated one is refused (400). */
    static Optional<FirmwareEvidence> in(PKCS10CertificationRequest csr) {
        Attribute[] attributes = csr.getAttributes(OID);
        if (attributes.length == 0) {
            return Optional.empty();
        }
        if (attributes.length != 1 || attributes[0].getAttrValues().size() != 1) {
            throw EstException.badRequest("the request carries more than one firmware evidence");
        }
        ASN1Encodable value = attributes[0].getAttrValues().getObjectAt(0);
        if (!(value instanceof ASN1String s)) {
            throw EstException.badRequest("the firmware evidence is not a string");
        }
        String[] parts = s.getString().split(";", -1);
        try {
            if (parts.length != 3) {
                throw new IllegalArgumentException("three fields");
            }
            return Optional.of(new FirmwareEvidence(parts[0], parts[1], parts[2]));
        } catch (IllegalArgumentException e) {
            throw EstException.badRequest("the firmware evidence is not name;version;sha256-hex");
        }
    }

    @Override
    public String toString() {
        return name + " " + version + " sha256=" + sha256;
    }
}
