package io.citadel.engine.pipeline;

import io.citadel.engine.authorization.Originator;
import io.citadel.engine.authorization.RoleDirectory;
import io.citadel.engine.authorization.TokenService;
import io.citadel.engine.hierarchy.RemoteCseIndex;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Identify stage, second part, for requests handled here: admits the originator's tokens ({@code tkns},
 * {@code ltids}, {@code tids}) and valid roles ({@code rids}) and records the {@link Originator}; on the way
 * back, a successful response names the token IDs this CSE assigned.
 */
public final class CredentialsStage implements Stage {
    static final Exchange.Key<Originator> ORIGINATOR = Exchange.Key.of("originator", Originator.class);

    private final TokenService tokens;
    private final RoleDirectory roles;
    private final RemoteCseIndex remotes;

    public CredentialsStage(TokenService tokens, RoleDirectory roles, RemoteCseIndex remotes) {
        this.tokens = tokens;
        this.roles = roles;
        this.remotes = remotes;
    }

    @Override
    public ResponsePrimitive apply(Exchange exchange, Next next) {
        RequestPrimitive request = exchange.request();
        String normalized = exchange.get(Facts.ORIGINATOR_ID);
        List<String> stored = new ArrayList<>();
        // each tid on its own: a tkid that two <token>s share must not hide an unknown one
        for (String tid : request.tokenIds()) {
            List<String> named = roles.storedTokens(List.of(tid));
            if (named.isEmpty()) {
                throw new OneM2mException(
                        ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE,
                        "token rejected: a token ID in tids names no <token> in this CSE's token repository");
            }
            stored.addAll(named);
        }
        TokenService.Admitted admitted =
                tokens.admit(request, stored, normalized, exchange.context().receivedAt());
        exchange.put(ORIGINATOR, originator(exchange, normalized, admitted));
        ResponsePrimitive response = next.proceed(exchange);
        return admitted.assigned().isEmpty() || !response.status().isSuccess()
                ? response
                : response.withAssignedTokenIds(admitted.assigned());
    }

    private Originator originator(Exchange exchange, String normalized, TokenService.Admitted admitted) {
        RequestPrimitive req = exchange.request();
        String raw = req.from();
        if (raw == null || raw.isEmpty()) {
            return new Originator(raw, "", false, false, List.of(), false, Set.of());
        }
        Authentication auth = exchange.get(Authentication.KEY);
        boolean registered = auth.admin()
                || auth.ae().isPresent()
                || auth.cse() && remotes.byCseId(normalized).isPresent();
        return new Originator(
                raw,
                normalized,
                auth.authenticated(),
                registered,
                admitted.tokens(),
                req.tokenRequestIndicator(),
                roles.validRoles(req.roleIds(), normalized, exchange.context().receivedAt()),
                auth.assurance());
    }
}
