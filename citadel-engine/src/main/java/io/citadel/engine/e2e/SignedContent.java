package io.citadel.engine.e2e;

import io.citadel.credentials.CertificateCredential;
import io.citadel.e2e.esdata.EsDataException;
import io.citadel.e2e.esdata.EsDataSignatures;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.security.OriginatorIds;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * Content whose ESData signature this CSE checks before storing it (a container with {@code esdp} 2): a compact JWS
 * signed with a certificate's key, the certificate chain in {@code x5c} leading to one of this CSE's ESData trust
 * anchors ({@code --esdata-trust}), and the certificate naming the originator of the request (its AE-ID or CSE-ID in
 * subjectAltName, as the TLS listeners read certificates). Without trust anchors nothing can be checked, so a container
 * cannot ask for it.
 */
public final class SignedContent {
    private final EsDataSignatures signatures; // null: no trust anchors
    private final OriginatorIds ids;
    private final String spDomain;

    /**
     * @param anchors the issuers of signers' certificates (their name constraints honoured); none: signatures are not
     *     checked here
     * @param revoked whether a signer's certificate is revoked now
     */
    public SignedContent(
            List<X509Certificate> anchors,
            java.util.function.Predicate<X509Certificate> revoked,
            OriginatorIds ids,
            String spDomain) {
        this.signatures = anchors.isEmpty()
                ? null
                : new EsDataSignatures(new io.citadel.credentials.TrustedPaths(anchors), revoked);
        this.ids = ids;
        this.spDomain = spDomain;
    }

    /** Whether this CSE can check ESData signatures (it has trust anchors for them). */
    public boolean available() {
        return signatures != null;
    }

    /**
     * Refuses (4102) content that is not signed by a certificate this CSE trusts for {@code originator} (normalised) at
     * {@code now}.
     */
    public void requireSignedBy(Object content, String originator, Instant now) {
        if (signatures == null) {
            throw new OneM2mException(
                    ResponseStatusCode.CONTENTS_UNACCEPTABLE,
                    "this CSE checks no ESData signatures (no trust anchors)");
        }
        if (!(content instanceof String envelope)) {
            throw new OneM2mException(
                    ResponseStatusCode.CONTENTS_UNACCEPTABLE, "this container takes signed ESData only (a JWS)");
        }
        X509Certificate signer;
        try {
            signer = signatures.verify(envelope, now);
        } catch (EsDataException e) {
            throw new OneM2mException(ResponseStatusCode.CONTENTS_UNACCEPTABLE, e.getMessage());
        }
        List<String> named;
        try {
            named = CertificateCredential.of(signer, spDomain).allowed();
        } catch (CertificateParsingException e) {
            named = List.of();
        }
        if (named.stream().map(ids::normalize).noneMatch(originator::equals)) {
            throw new OneM2mException(
                    ResponseStatusCode.CONTENTS_UNACCEPTABLE,
                    "the content is not signed by its originator's certificate");
        }
    }
}
