package io.citadel.engine.authorization;

import io.citadel.engine.CseSettings;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.ResourceRepository;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.Timestamps;
import io.citadel.security.OriginatorIds;
import io.citadel.security.TokenVerifier;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The local Role and Token Repository: {@code <role>} and {@code <token>} resources under the CSEBase
 * (TS-0003 §7.4). Tokens found by {@code tids} are verified exactly like presented ones. A Role-ID named in
 * {@code rids} is held only if a role with that {@code rlid} names the originator as holder, was issued by a
 * trusted issuer, and is within its validity window; any other Role-ID is simply not held (fail closed).
 */
public final class RoleDirectory {
    private final CseSettings settings;
    private final ResourceRepository repository;
    private final TokenVerifier issuers;
    private final OriginatorIds ids;
    private final Index roleIndex = new Index(ResourceType.ROLE, "rlid");
    private final Index tokenIndex = new Index(ResourceType.TOKEN, "tkid");

    public RoleDirectory(
            CseSettings settings, ResourceRepository repository, TokenVerifier issuers, OriginatorIds ids) {
        this.settings = settings;
        this.repository = repository;
        this.issuers = issuers;
        this.ids = ids;
    }

    /** The stored JWTs ({@code tkob}) of the local {@code <token>} resources with these token IDs. */
    public List<String> storedTokens(List<String> tokenIds) {
        if (tokenIds.isEmpty()) {
            return List.of();
        }
        Map<String, List<String>> index = tokenIndex.get();
        List<String> out = new java.util.ArrayList<>();
        for (String tid : tokenIds) {
            for (String ri : index.getOrDefault(tid, List.of())) {
                repository
                        .findById(ri)
                        .filter(r -> r.type() == ResourceType.TOKEN)
                        .map(r -> r.get("tkob"))
                        .filter(String.class::isInstance)
                        .map(String.class::cast)
                        .ifPresent(out::add);
            }
        }
        return out;
    }

    public Set<String> validRoles(List<String> roleIds, String originator, Instant now) {
        if (roleIds.isEmpty() || originator.isEmpty()) {
            return Set.of();
        }
        Map<String, List<String>> index = roleIndex.get();
        Set<String> held = new LinkedHashSet<>();
        for (String rid : roleIds) {
            for (String ri : index.getOrDefault(rid, List.of())) {
                Optional<Resource> role = repository.findById(ri).filter(r -> r.type() == ResourceType.ROLE);
                if (role.isPresent() && holds(role.get(), originator, now)) {
                    held.add(rid);
                    break;
                }
            }
        }
        return held;
    }

    private boolean holds(Resource role, String originator, Instant now) {
        Object holder = role.get("tkhd");
        Optional<Instant> from = Timestamps.parse(String.valueOf(role.get("tknb")));
        Optional<Instant> until = Timestamps.parse(String.valueOf(role.get("tkna")));
        return holder instanceof String h
                && ids.normalize(h).equals(originator)
                && issuers.isTrusted((String) role.get("tkis"))
                && from.isPresent()
                && until.isPresent()
                && !now.isBefore(from.get())
                && now.isBefore(until.get());
    }

    /** ID → resource IDs of one type under the CSEBase; rebuilt only after a role or token changed. */
    private final class Index {
        private final ResourceType type;
        private final String key;
        private volatile Map<String, List<String>> byId;
        private volatile long seen = -1;

        Index(ResourceType type, String key) {
            this.type = type;
            this.key = key;
        }

        Map<String, List<String>> get() {
            long version = repository.roleVersion();
            Map<String, List<String>> current = byId;
            if (current != null && version == seen) {
                return current;
            }
            Map<String, List<String>> fresh = build(type, key);
            byId = fresh;
            seen = version;
            return fresh;
        }
    }

    private Map<String, List<String>> build(ResourceType type, String key) {
        Map<String, List<String>> fresh = new HashMap<>();
        repository.findById(settings.cseBaseId()).ifPresent(cb -> {
            for (Resource r : repository.children(cb, List.of(type.code()), 100_000)) {
                if (r.get(key) instanceof String id) {
                    fresh.computeIfAbsent(id, k -> new java.util.ArrayList<>()).add(r.ri());
                }
            }
        });
        return fresh;
    }
}
