package io.citadel.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.citadel.engine.authorization.AuditLog;
import io.citadel.engine.authorization.SecurityOptions;
import io.citadel.engine.hierarchy.OutboundRequests;
import io.citadel.security.LocationSource;
import io.citadel.security.TrustedIssuer;
import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Builds the engine's {@link SecurityOptions} from the configuration files the operator names. */
final class SecurityConfiguration {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SecurityConfiguration() {}

    static SecurityOptions load(Configuration config, Path dataDir, OutboundRequests outbound) {
        List<TrustedIssuer> issuers = config.get(ConfigKey.TRUSTED_ISSUERS) == null
                ? List.of()
                : trustedIssuers(Path.of(config.get(ConfigKey.TRUSTED_ISSUERS)));
        JWKSet keys = new JWKSet();
        if (config.get(ConfigKey.TOKEN_DECRYPTION_KEYS) != null) {
            try {
                keys = JWKSet.load(
                        Path.of(config.get(ConfigKey.TOKEN_DECRYPTION_KEYS)).toFile());
            } catch (IOException | ParseException e) {
                throw new IllegalArgumentException("cannot read --token-decryption-keys: " + e.getMessage());
            }
        }
        LocationSource locations = config.get(ConfigKey.LOCATION_TABLE) == null
                ? LocationSource.UNKNOWN
                : StaticLocationTable.load(Path.of(config.get(ConfigKey.LOCATION_TABLE)));
        AuditLog audit = switch (config.get(ConfigKey.AUDIT).toLowerCase(Locale.ROOT)) {
            case "off" -> AuditLog.OFF;
            case "denials" -> AuditLog.toLogger(true);
            case "all" -> AuditLog.toLogger(false);
            default -> throw new IllegalArgumentException("--audit must be off, denials or all");
        };
        Duration grant;
        try {
            grant = Duration.parse(config.get(ConfigKey.MAX_GRANT_LIFETIME));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--max-grant-lifetime must be an ISO 8601 duration such as PT24H");
        }
        return new SecurityOptions(
                issuers,
                keys,
                locations,
                FileRevocationList.open(dataDir.resolve("revoked-tokens")),
                outbound,
                Duration.ofMillis(config.getInt(ConfigKey.DAS_TIMEOUT_MS)),
                grant,
                audit);
    }

    /**
     * Reads {@code {"issuers":[{"id":"/id-das","jwks":{"keys":[...]} | "jwksFile":"das.jwks",
     * "algorithms":["ES256"],"allowUnsecured":false,"audienceOptional":false}]}}. Private key parts are refused: a CSE needs only
     * public keys (and HMAC secrets only where an issuer is explicitly configured for HS256).
     */
    static List<TrustedIssuer> trustedIssuers(Path file) {
        try {
            Map<?, ?> root = JSON.readValue(file.toFile(), Map.class);
            if (!(root.get("issuers") instanceof List<?> list)) {
                throw new IllegalArgumentException(file + ": expected {\"issuers\":[...]}");
            }
            List<TrustedIssuer> out = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> m) || !(m.get("id") instanceof String id)) {
                    throw new IllegalArgumentException(file + ": every issuer needs an id");
                }
                JWKSet keys;
                if (m.get("jwks") instanceof Map<?, ?> jwks) {
                    keys = JWKSet.parse(JSON.writeValueAsString(jwks));
                } else if (m.get("jwksFile") instanceof String f) {
                    keys = JWKSet.load(file.resolveSibling(f).toFile());
                } else {
                    keys = new JWKSet();
                }
                Set<JWSAlgorithm> algs = new LinkedHashSet<>();
                if (m.get("algorithms") instanceof List<?> a) {
                    a.forEach(x -> algs.add(JWSAlgorithm.parse(String.valueOf(x))));
                } else {
                    algs.add(JWSAlgorithm.ES256);
                }
                for (JWK k : keys.getKeys()) {
                    if (k.isPrivate() && !(k instanceof com.nimbusds.jose.jwk.OctetSequenceKey)) {
                        throw new IllegalArgumentException(
                                file + ": issuer " + id + " lists a private key; give only public keys");
                    }
                }
                out.add(new TrustedIssuer(
                        id,
                        keys,
                        algs,
                        Boolean.TRUE.equals(m.get("allowUnsecured")),
                        Boolean.TRUE.equals(m.get("audienceOptional"))));
            }
            return out;
        } catch (IOException | ParseException e) {
            throw new IllegalArgumentException("cannot read --trusted-issuers " + file + ": " + e.getMessage());
        }
    }
}
