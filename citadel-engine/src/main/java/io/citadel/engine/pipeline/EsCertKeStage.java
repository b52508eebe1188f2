package io.citadel.engine.pipeline;

import io.citadel.credentials.SecurityAssociation;
import io.citadel.e2e.escertke.EsCertKeException;
import io.citadel.e2e.escertke.EsCertKeTerminal;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.util.Base64;
import java.util.Map;

/**
 * ESCertKE at this CSE as the terminator (TS-0003 §8.7, TS-0004 §7.5.1.2.12, digest §10): a NOTIFY to the
 * {@code <CSEBase>} whose content is {@code m2m:seci} {@code sit} 6 carries one ESCertKE message in {@code eckm}
 * (base64 of TLS records); the answer carries the next one the same way (M1 → M2, M3 → M4). The handshake is found by
 * the originator ({@code From}, as the identify stage bound it to the hop); the key it agrees is bound to the identity
 * configured for the admitted certificate it proved. Refusals: a message that is not base64 or comes out of sequence,
 * 4000; a handshake that fails (a certificate not admitted, a signature or Finished that does not verify), 4106 with
 * one fixed line (the reason is logged, not told); no room for another handshake, 5000 (overloaded);
 * ESCertKE not configured here, 5001. Transit CSEs forward the NOTIFY untouched.
 */
public final class EsCertKeStage implements Stage {
    private static final System.Logger LOG = System.getLogger("citadel.security");

    private final EsCertKeTerminal terminal; // null: not configured

    /** @param terminal this CSE's terminator, or null when it has no ESCertKE certificate */
    public EsCertKeStage(EsCertKeTerminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public ResponsePrimitive apply(Exchange exchange, Next next) {
        RequestPrimitive req = exchange.request();
        Integer sit = SecurityInfo.type(req);
        if (sit == null || sit != 6 || !SecurityInfo.toCseBase(exchange)) {
            return next.proceed(exchange);
        }
        if (SecurityInfo.insideEsprim(exchange)) {
            throw OneM2mException.badRequest("an ESPrim object does not carry an ESCertKE message");
        }
        if (terminal == null) {
            throw new OneM2mException(
                    ResponseStatusCode.NOT_IMPLEMENTED, "this CSE takes no ESCertKE (no certificate for it)");
        }
        Map<?, ?> seci = (Map<?, ?>) ((Map<?, ?>) req.content()).get("m2m:seci");
        byte[] message;
        try {
            message = seci.get("eckm") instanceof String eckm
                    ? Base64.getDecoder().decode(eckm)
                    : null;
        } catch (IllegalArgumentException e) {
            message = null;
        }
        if (message == null) {
            throw OneM2mException.badRequest("an m2m:seci of sit 6 carries the ESCertKE message in eckm (base64)");
        }
        String peer = exchange.find(Facts.ORIGINATOR_ID).orElse(req.from());
        SecurityAssociation association = exchange.context().association();
        String hop = association != null && association.credentialId() != null
                ? "sa:" + association.credentialId()
                : "ip:" + exchange.context().peerAddress();
        byte[] answer;
        try {
            answer = terminal.receive(peer, hop, message);
        } catch (EsCertKeException e) {
            switch (e.kind()) {
                case OUT_OF_SEQUENCE -> throw OneM2mException.badRequest(e.getMessage());
                case BUSY -> throw new OneM2mException(ResponseStatusCode.INTERNAL_SERVER_ERROR, e.getMessage());
                case HANDSHAKE -> {
                    // the reason stays here: telling it would say whether a certificate is admitted
                    LOG.log(
                            System.Logger.Level.INFO,
                            "ESCertKE with " + SecurityInfo.printable(peer) + ": " + e.getMessage());
                    throw new OneM2mException(
                            ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED, "the ESCertKE handshake failed");
                }
                default -> throw new IllegalStateException("unknown ESCertKE refusal " + e.kind());
            }
        }
        return ResponsePrimitive.of(
                ResponseStatusCode.OK,
                req,
                Map.of("m2m:seci", Map.of("sit", 6L, "eckm", Base64.getEncoder().encodeToString(answer))));
    }
}
