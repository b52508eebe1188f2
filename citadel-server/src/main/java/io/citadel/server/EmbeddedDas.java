package io.citadel.server;

import com.nimbusds.jose.JWSAlgorithm;
import io.citadel.das.DynamicAuthorizationServer;
import io.citadel.das.PolicyStore;
import io.citadel.das.TokenIssuer;
import io.citadel.security.TrustedIssuer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/** The DAS run inside the CSE's process ({@code --das-port}); the CSE trusts its ES256 key and nothing more. */
final class EmbeddedDas implements AutoCloseable {
    private final DynamicAuthorizationServer server;
    private final TrustedIssuer trusted;

    private EmbeddedDas(DynamicAuthorizationServer server, TrustedIssuer trusted) {
        this.server = server;
        this.trusted = trusted;
    }

    static EmbeddedDas start(Configuration config, Path dir, String host) throws IOException {
        DataDirectory.createDirectories(dir);
        String id = config.get(ConfigKey.DAS_ID);
        TokenIssuer issuer = new TokenIssuer(
                id, "das.citadel.example", TokenIssuer.signingKey(dir.resolve("das-signing.jwk")), null);
        DynamicAuthorizationServer server = new DynamicAuthorizationServer(
                host, config.getInt(ConfigKey.DAS_PORT), new PolicyStore(dir.resolve("policies.json")), issuer);
        return new EmbeddedDas(server, new TrustedIssuer(id, issuer.publicKeys(), Set.of(JWSAlgorithm.ES256), false));
    }

    TrustedIssuer trustedIssuer() {
        return trusted;
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
