package io.citadel.mef.coap;

import static org.eclipse.californium.core.coap.MediaTypeRegistry.APPLICATION_CSATTRS;
import static org.eclipse.californium.core.coap.MediaTypeRegistry.APPLICATION_PKCS10;
import static org.eclipse.californium.core.coap.MediaTypeRegistry.APPLICATION_PKCS7_CERTS_ONLY;
import static org.eclipse.californium.core.coap.MediaTypeRegistry.APPLICATION_PKIX_CERT;
import static org.eclipse.californium.core.coap.MediaTypeRegistry.UNDEFINED;

import io.citadel.mef.est.EstException;
import io.citadel.mef.est.EstService;
import io.citadel.mef.http.Enrolee;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.eclipse.californium.core.coap.CoAP.Code;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;

/**
 * EST over CoAP (RFC 9148) on {@link EstService}: {@code /.well-known/est/crts} (GET: 281 certs-only CMS, or 287
 * the CA certificate when the Accept option asks for it), {@code att} (GET: 285 csrattrs), {@code sen} (POST of a DER
 * PKCS#10 with Content-Format 286: 2.04 with 281, or 287), {@code sren} (by the certificate the MEF issued, shown in
 * the DTLS handshake; refused by {@link EstService} on a bootstrap key or a manufacturer's certificate: 4.01). Bodies are DER, not base64. Every decision is {@link EstService}'s; its refusals become the
 * CoAP code of their HTTP status with their one line as diagnostic payload. Server-side key generation
 * ({@code skg}, {@code skc}) is not offered (4.04).
 */
final class EstOverCoap {
    static final String PREFIX = "/.well-known/est/";
    private static final System.Logger LOG = System.getLogger("citadel.mef");

    private final EstService est;

    EstOverCoap(EstService est) {
        this.est = est;
    }

    /**
     * Answers {@code operation} (the path below {@link #PREFIX}) for {@code who}, the enrolee the DTLS handshake
     * proved; {@code contentFormat} and {@code accept} as in the request ({@code UNDEFINED}: none).
     */
    CoapAnswer handle(String operation, Code method, int contentFormat, int accept, Enrolee who, byte[] payload) {
        String enrolee = who.id();
        try {
            switch (operation) {
                case "crts" -> {
                    requireMethod(method, Code.GET);
                    int format = accepted(accept, APPLICATION_PKCS7_CERTS_ONLY, APPLICATION_PKIX_CERT);
                    return new CoapAnswer(
                            ResponseCode.CONTENT,
                            format,
                            format == APPLICATION_PKIX_CERT ? der(est.caCertificate()) : est.caCertificatesDer());
                }
                case "att" -> {
                    requireMethod(method, Code.GET);
                    int format = accepted(accept, APPLICATION_CSATTRS, APPLICATION_CSATTRS);
                    return new CoapAnswer(ResponseCode.CONTENT, format, est.csrAttributesDer(enrolee));
                }
                case "sen", "sren" -> {
                    requireMethod(method, Code.POST);
                    if (contentFormat != APPLICATION_PKCS10) {
                        throw new EstException(
                                415, "a certification request is sent as Content-Format 286 (application/pkcs10)");
                    }
                    int format = accepted(accept, APPLICATION_PKCS7_CERTS_ONLY, APPLICATION_PKIX_CERT);
                    // sren by the certificate the MEF issued and the handshake showed (none on a bootstrap key or a
                    // manufacturer's certificate: EstService refuses)
                    X509Certificate issued = operation.equals("sen")
                            ? est.enrol(enrolee, payload)
                            : est.reenrol(enrolee, who.certificate(), payload);
                    return new CoapAnswer(
                            ResponseCode.CHANGED,
                            format,
                            format == APPLICATION_PKIX_CERT ? der(issued) : EstService.certsOnly(List.of(issued)));
                }
                default -> {
                    return CoapAnswer.diagnostic(ResponseCode.NOT_FOUND, "no such EST operation");
                }
            }
        } catch (EstException e) {
            LOG.log(System.Logger.Level.INFO, "EST " + operation + " refused for " + enrolee + ": " + e.getMessage());
            return CoapAnswer.diagnostic(CoapAnswer.code(e.httpStatus(), method), e.getMessage());
        } catch (RuntimeException e) {
            long incident = System.nanoTime();
            LOG.log(System.Logger.Level.ERROR, "EST " + operation + " failed (incident " + incident + ")", e);
            return CoapAnswer.diagnostic(
                    ResponseCode.INTERNAL_SERVER_ERROR,
                    "the MEF could not complete the request (incident " + incident + ")");
        }
    }

    private static void requireMethod(Code actual, Code expected) {
        if (actual != expected) {
            throw new EstException(405, "this EST operation takes " + expected);
        }
    }

    /** The Content-Format to answer in: {@code preferred} without an Accept option, else what it asks if offered. */
    private static int accepted(int accept, int preferred, int other) {
        if (accept == UNDEFINED || accept == preferred) {
            return preferred;
        }
        if (accept == other) {
            return other;
        }
        throw new EstException(
                406,
                "this EST operation answers Content-Format " + preferred + (other == preferred ? "" : " or " + other));
    }

    private static byte[] der(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode a certificate", e);
        }
    }
}
